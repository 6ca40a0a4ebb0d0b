"""`duixian audit verify`: check each service's hash-chained audit log and name the first broken record."""
from __future__ import annotations

import sys

import click
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from duixian.services import SERVICES, entrypoint
from infra import audit
from infra.db import sqlite_file
from infra.runtime import ServiceRuntime
from infra.settings import get_settings


@click.group("audit")
def command() -> None:
    """审计日志 (append-only, hash-chained per service)."""


@command.command("verify")
@click.argument("services", nargs=-1, type=click.Choice(SERVICES))
def verify(services: tuple[str, ...]) -> None:
    """验证审计链; exit 1 naming the first broken record of each broken chain, 2 when a database is missing."""
    from duixian import cli  # imported late: duixian.cli imports this module while registering

    services = services or SERVICES
    missing = {service: problem for service in services if (problem := _no_database(service))}
    for service, problem in missing.items():
        click.echo(f"{service}: {problem}", err=True)
    if missing:
        sys.exit(cli.EXIT_INVALID_INPUT)
    broken = False
    for service in services:
        runtime = entrypoint(service).build_runtime()
        try:
            with runtime.db.engine.connect() as conn:
                if not inspect(conn).has_table(runtime.tables.audit_log.name):
                    click.echo(f"{service}: 数据库中没有审计日志表 — 不是 duixian 的数据库, 或尚未执行迁移 (duixian db upgrade) "
                               f"[{_shown(runtime)}]", err=True)
                    sys.exit(cli.EXIT_INVALID_INPUT)
                report = audit.verify(conn, runtime.tables)
        except DBAPIError as error:
            click.echo(f"{service}: 无法连接数据库 [{_shown(runtime)}]: {str(error.orig).strip()}", err=True)
            sys.exit(cli.EXIT_INVALID_INPUT)
        finally:
            runtime.db.dispose()
        if report.intact:
            click.echo(f"{service}: 完整 ({report.records} 条记录)")
        else:
            broken = True
            click.echo(f"{service}: 审计链断裂 — 第一条异常记录 seq={report.first_broken_seq}: {report.reason}", err=True)
    sys.exit(1 if broken else 0)


def _no_database(service: str) -> str | None:
    """Why there is nothing to verify, checked without opening (and so creating) a SQLite file."""
    url, _ = get_settings().database_url_for(service)
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        return (f"找不到数据库文件 {path} — 请检查 DATA_DIR 或 {service.upper()}_DATABASE_URL / DATABASE_URL "
                f"(no database there; nothing was created)")
    return None


def _shown(runtime: ServiceRuntime) -> str:
    return make_url(runtime.db.url).render_as_string(hide_password=True)
