"""Helpers for audit chain tests: `duixian audit verify` as an operator runs it, an attacker with database rights."""
from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from click.testing import CliRunner
from sqlalchemy import Connection, select, text, update

from duixian.cli import cli
from duixian.services import SERVED, entrypoint
from infra import audit, audit_checkpoints, migrations
from infra.runtime import ServiceRuntime
from infra.settings import Settings, get_settings
from tests.support.databases import DatabaseFactory
from tests.support.waiting import eventually


def verify(databases: DatabaseFactory, *services: str) -> subprocess.CompletedProcess:
    """`duixian audit verify <service>…` as an operator runs it, pointed at every service's database (in this
    process, with the settings read afresh from that environment: a subprocess costs seconds per call)."""
    env = {}
    for each in SERVED:
        url, schema = databases.url_and_schema(each)
        if schema:
            url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
        env[f"{each.upper()}_DATABASE_URL"] = url
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["audit", "verify", *services], env=env, catch_exceptions=False)
    finally:
        get_settings.cache_clear()
    return subprocess.CompletedProcess(["duixian", "audit", "verify", *services], result.exit_code, result.stdout,
                                       result.stderr)


def migrate(settings: Settings, databases: DatabaseFactory, *services: str) -> None:
    """Bring the databases of services a test does not run to head (verify reads their checkpoints)."""
    for service in services:
        runtime = entrypoint(service).build_runtime(settings, databases.open(service))
        migrations.upgrade(runtime)


def kept(runtime: ServiceRuntime, service: str) -> list[audit.Checkpoint]:
    """The checkpoints of `service`'s chain that `runtime`'s service keeps."""
    with runtime.db.engine.connect() as conn:
        return audit_checkpoints.kept_about(conn, runtime.tables, service, runtime.name)


def anchored(runtimes: dict[str, ServiceRuntime], service: str, seq: int) -> None:
    """Wait until every other service keeps a checkpoint of `service` at `seq` or later."""
    keepers = [runtime for name, runtime in runtimes.items() if name != service]
    eventually(lambda: all(any(c.seq >= seq for c in kept(keeper, service)) for keeper in keepers),
               what=f"checkpoints of {service} at seq {seq} kept by the other services")


def chain(runtime: ServiceRuntime) -> list[dict[str, Any]]:
    with runtime.db.engine.connect() as conn:
        return [dict(row) for row in conn.execute(select(runtime.tables.audit_log).order_by(runtime.tables.audit_log.c.seq)).mappings()]


@contextmanager
def with_database_rights(runtime: ServiceRuntime) -> Iterator[Connection]:
    """A transaction of someone who owns the database: the append-only triggers are out of the way."""
    with runtime.db.engine.begin() as conn:
        if runtime.db.is_postgres:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        yield conn


def rewind_head(conn: Connection, runtime: ServiceRuntime, records: list[dict[str, Any]], **extra: Any) -> None:
    head = runtime.tables.audit_head
    last = records[-1]
    conn.execute(update(head).where(head.c.id == 1).values(last_seq=last["seq"], last_hash=last["hash"], **extra))
