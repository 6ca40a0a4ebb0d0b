"""Alembic, run programmatically: each service has its own history under `<service>/migrations`.

`upgrade` creates the service's PostgreSQL schema if needed and holds an advisory lock so that
several replicas starting together migrate once. Each service's env.py calls `run_env()`.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from infra.db import open_database
from infra.runtime import ServiceRuntime

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext


def alembic_config(runtime: ServiceRuntime) -> Config:
    config = Config()
    config.set_main_option("script_location", str(runtime.migrations_dir))
    config.set_main_option("path_separator", "os")
    config.attributes["target_metadata"] = runtime.metadata
    return config


def upgrade(runtime: ServiceRuntime, revision: str = "head") -> None:
    runtime.db.ensure_schema()
    with runtime.db.engine.begin() as connection:
        if runtime.db.is_postgres:
            lock_name = f"duixian-migrate-{runtime.db.schema or runtime.name}"
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": lock_name})
        config = alembic_config(runtime)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(runtime: ServiceRuntime, revision: str) -> None:
    with runtime.db.engine.begin() as connection:
        config = alembic_config(runtime)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current(runtime: ServiceRuntime) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with runtime.db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def autogenerate_revision(runtime: ServiceRuntime, message: str) -> None:
    """Write a new revision comparing the models with a scratch SQLite database at head."""
    with tempfile.TemporaryDirectory() as scratch:
        db = open_database(f"sqlite:///{Path(scratch) / 'scratch.db'}")
        scratch_runtime = ServiceRuntime(
            runtime.name, runtime.settings, db, runtime.metadata, runtime.tables, runtime.migrations_dir, runtime.topology
        )
        upgrade(scratch_runtime)
        with db.engine.begin() as connection:
            config = alembic_config(scratch_runtime)
            config.attributes["connection"] = connection
            command.revision(config, message=message, autogenerate=True)
        db.dispose()


def run_env() -> None:
    """Body of every service's migrations/env.py (online mode only: we always hold a connection)."""
    from alembic import context

    config = context.config
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=config.attributes["target_metadata"],
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write our column types into migrations as the plain SQL types they store (so a migration
    does not import application code that may later change)."""
    from infra.types import UtcDateTime

    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False
