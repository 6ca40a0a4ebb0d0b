"""How every duixian command answers: JSON on stdout, Chinese messages on stderr, tables for people,
and the exit code of a failure. Light on purpose: a command imports this, not another command."""
from __future__ import annotations

import json
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

import click
import yaml

from policies._yaml import load_yaml
from policies.errors import CalendarUnavailable, ChainCategoryUnknown, FactsInvalid, PolicyError, TableUnavailable

EXIT_OK = 0
EXIT_INVALID_INPUT = 2
EXIT_DATA_UNAVAILABLE = 3
_DATA_UNAVAILABLE = (TableUnavailable, CalendarUnavailable, ChainCategoryUnknown)


def fail(error: PolicyError | ValueError) -> NoReturn:
    """Report an error the way every duixian command does, and exit."""
    if isinstance(error, PolicyError):
        click.echo(f"错误：{error.message}", err=True)
        if isinstance(error, FactsInvalid):
            for problem in error.problems:
                click.echo(f"  {problem.field}：{problem.reason}", err=True)
        echo_json(error.to_dict())
        sys.exit(EXIT_DATA_UNAVAILABLE if isinstance(error, _DATA_UNAVAILABLE) else EXIT_INVALID_INPUT)
    click.echo(f"错误：{error}", err=True)
    echo_json({"error": "invalid_input", "message": str(error)})
    sys.exit(EXIT_INVALID_INPUT)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


def read_data_file(path: str) -> Any:
    """A JSON or YAML file; numbers with a fraction are read as exact decimals."""
    file = Path(path)
    text = file.read_text(encoding="utf-8")
    try:
        if file.suffix.lower() == ".json":
            return json.loads(text, parse_float=Decimal)
        return load_yaml(text, exact_numbers=True)
    except (ValueError, yaml.YAMLError) as exc:
        fail(ValueError(f"无法读取 {path}：{exc}"))


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def render_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(display_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - display_width(c)) for c, w in zip(cells, widths, strict=False)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(type(value).__name__)
