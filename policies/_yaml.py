"""YAML reading for data files: safe, and dates stay strings so JSON Schema sees what JSON would.

With exact_numbers=True (facts files written by people), numbers with a fraction become
Decimal from their text, never a binary float.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import yaml


class _DataLoader(yaml.SafeLoader):
    pass


_DataLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _ExactLoader(_DataLoader):
    pass


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise yaml.constructor.ConstructorError(None, None, f"not a finite number: {text}", node.start_mark) from None
    if not value.is_finite():
        raise yaml.constructor.ConstructorError(None, None, f"not a finite number: {text}", node.start_mark)
    return value


_ExactLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def load_yaml(text: str, *, exact_numbers: bool = False) -> Any:
    return yaml.load(text, Loader=_ExactLoader if exact_numbers else _DataLoader)  # noqa: S506 - SafeLoader subclasses
