"""`duixian audit verify`: check each service's HMAC-chained audit log and hold it against the checkpoints
of it that the other services keep; name the first broken record of each broken chain (docs/audit.md)."""
from __future__ import annotations

import sys

import click
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from duixian.services import PORTAL, SERVED, SERVICES, entrypoint
from infra import audit, audit_checkpoints
from infra.db import sqlite_file
from infra.runtime import ServiceRuntime
from infra.settings import get_settings


@click.group("audit")
def command() -> None:
    """审计日志 (append-only, HMAC-chained per service, anchored by checkpoints kept by the other services)."""


@command.command("verify")
@click.argument("services", nargs=-1, type=click.Choice(SERVED))
def verify(services: tuple[str, ...]) -> None:
    """验证审计链并与其他服务保存的检查点核对; exit 1 naming the first broken record of each broken chain,
    2 when a database is missing or another service's checkpoints cannot be read (the check is incomplete).
    Without arguments: the three services, and the portal's directory chain where the portal has a database."""
    from duixian import cli  # imported late: duixian.cli imports this module while registering

    services = services or SERVICES + ((PORTAL,) if _portal_has_chain() else ())
    missing = {service: problem for service in services if (problem := _no_database(service))}
    for service, problem in missing.items():
        click.echo(f"{service}: {problem}", err=True)
    if missing:
        sys.exit(cli.EXIT_INVALID_INPUT)
    try:
        keys = audit.AuditKeys.from_settings(get_settings())
    except ValueError as refused:
        click.echo(f"审计密钥不可用: {refused}", err=True)
        sys.exit(cli.EXIT_INVALID_INPUT)
    broken = incomplete = False
    for service in services:
        checkpoints, unread = _kept_elsewhere(service)
        runtime = entrypoint(service).build_runtime()
        try:
            with runtime.db.engine.connect() as conn:
                if not inspect(conn).has_table(runtime.tables.audit_log.name):
                    click.echo(f"{service}: 数据库中没有审计日志表 — 不是 duixian 的数据库, 或尚未执行迁移 (duixian db upgrade) "
                               f"[{_shown(runtime)}]", err=True)
                    sys.exit(cli.EXIT_INVALID_INPUT)
                report = audit.verify(conn, runtime.tables, keys, checkpoints)
        except DBAPIError as error:
            click.echo(f"{service}: 无法连接数据库 [{_shown(runtime)}]: {str(error.orig).strip()}", err=True)
            sys.exit(cli.EXIT_INVALID_INPUT)
        finally:
            runtime.db.dispose()
        if report.intact:
            click.echo(f"{service}: 完整 ({_summary(report, service)})")
        else:
            broken = True
            click.echo(f"{service}: 审计链断裂 — 第一条异常记录 seq={report.first_broken_seq}: {report.reason}", err=True)
        for keeper, problem in unread:
            incomplete = True
            click.echo(f"{service}: 无法读取 {keeper} 保存的检查点, 未能完成核对 — {problem}", err=True)
    sys.exit(1 if broken else cli.EXIT_INVALID_INPUT if incomplete else 0)


def _no_database(service: str) -> str | None:
    """Why there is nothing to verify, checked without opening (and so creating) a SQLite file."""
    url, _ = get_settings().database_url_for(service)
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        return (f"找不到数据库文件 {path} — 请检查 DATA_DIR 或 {service.upper()}_DATABASE_URL / DATABASE_URL "
                f"(no database there; nothing was created)")
    return None


def _portal_has_chain() -> bool:
    """Whether the portal has run here (its database holds an audit log): only then is its chain verified by default."""
    if _no_database(PORTAL) is not None:
        return False
    runtime = entrypoint(PORTAL).build_runtime()
    try:
        with runtime.db.engine.connect() as conn:
            return inspect(conn).has_table(runtime.tables.audit_log.name)
    except DBAPIError:
        return False
    finally:
        runtime.db.dispose()


def _shown(runtime: ServiceRuntime) -> str:
    return make_url(runtime.db.url).render_as_string(hide_password=True)


def _kept_elsewhere(service: str) -> tuple[list[audit.Checkpoint], list[tuple[str, str]]]:
    """The checkpoints of `service`'s chain that the other services hold, and why a keeper could not be read.
    The portal publishes no events, so nobody keeps checkpoints of its chain (docs/audit.md)."""
    kept: list[audit.Checkpoint] = []
    unread: list[tuple[str, str]] = []
    if service == PORTAL:
        return kept, unread
    for keeper in SERVICES:
        if keeper == service:
            continue
        if problem := _no_database(keeper):
            unread.append((keeper, problem))
            continue
        runtime = entrypoint(keeper).build_runtime()
        try:
            with runtime.db.engine.connect() as conn:
                if inspect(conn).has_table(runtime.tables.audit_checkpoints.name):
                    kept += audit_checkpoints.kept_about(conn, runtime.tables, service, keeper)
                else:
                    unread.append((keeper, f"数据库中没有检查点表, 尚未执行迁移? [{_shown(runtime)}]"))
        except DBAPIError as error:
            unread.append((keeper, f"无法连接数据库 [{_shown(runtime)}]: {str(error.orig).strip()}"))
        finally:
            runtime.db.dispose()
    return kept, unread


def _summary(report: audit.ChainReport, service: str) -> str:
    parts = [f"{report.records} 条记录"]
    if service == PORTAL:
        parts.append("门户的名录审计链不发布检查点, 仅受审计密钥保护")
    elif report.checkpoints:
        parts.append(f"与其他服务保存的 {report.checkpoints} 个检查点一致, 最新 seq={report.latest_checkpoint}")
    else:
        parts.append("其他服务尚未保存检查点")
    if report.unkeyed:
        parts.append(f"前 {report.unkeyed} 条写于启用审计密钥之前, 仅受无密钥哈希链保护")
    return "; ".join(parts)
