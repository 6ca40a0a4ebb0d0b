"""YAML reading for data files: safe, and dates stay strings so JSON Schema sees what JSON would."""
from __future__ import annotations

from typing import Any

import yaml


class _DataLoader(yaml.SafeLoader):
    pass


_DataLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_DataLoader)  # noqa: S506 - a SafeLoader subclass
