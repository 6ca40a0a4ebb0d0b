"""`duixian audit verify`: check each service's hash-chained audit log and name the first broken record."""
from __future__ import annotations

import sys

import click

from duixian.services import SERVICES, entrypoint
from infra import audit


@click.group("audit")
def command() -> None:
    """审计日志 (append-only, hash-chained per service)."""


@command.command("verify")
@click.argument("services", nargs=-1, type=click.Choice(SERVICES))
def verify(services: tuple[str, ...]) -> None:
    """验证审计链; exit 1 naming the first broken record of each broken chain."""
    broken = False
    for service in services or SERVICES:
        runtime = entrypoint(service).build_runtime()
        with runtime.db.engine.connect() as conn:
            report = audit.verify(conn, runtime.tables)
        runtime.db.dispose()
        if report.intact:
            click.echo(f"{service}: 完整 ({report.records} 条记录)")
        else:
            broken = True
            click.echo(f"{service}: 审计链断裂 — 第一条异常记录 seq={report.first_broken_seq}: {report.reason}", err=True)
    sys.exit(1 if broken else 0)
