"""`duixian contracts export|check`: the AsyncAPI document and RabbitMQ definitions, derived from code."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import yaml

ROOT = Path(__file__).resolve().parents[2]
ASYNCAPI = ROOT / "contracts" / "asyncapi.yaml"
DEFINITIONS = ROOT / "deploy" / "rabbitmq" / "definitions.json"


def rendered() -> dict[Path, str]:
    from contracts import asyncapi
    from contracts.topology import TOPOLOGY

    return {
        ASYNCAPI: yaml.safe_dump(asyncapi.build(), allow_unicode=True, sort_keys=False, width=120),
        DEFINITIONS: json.dumps(TOPOLOGY.definitions(), indent=2, ensure_ascii=False) + "\n",
    }


@click.group("contracts")
def command() -> None:
    """契约文件: AsyncAPI 与 RabbitMQ 拓扑 (generated from code)."""


@command.command("export")
def export() -> None:
    for path, text in rendered().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        click.echo(f"wrote {path.relative_to(ROOT)}")


@command.command("check")
def check() -> None:
    """Exit 1 when a checked-in file differs from what the code generates."""
    stale = [p for p, text in rendered().items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    for path in stale:
        click.echo(f"out of date: {path.relative_to(ROOT)} (run: duixian contracts export)", err=True)
    sys.exit(1 if stale else 0)
