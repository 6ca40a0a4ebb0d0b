"""Engines for a service's own database: SQLite file (embedded default) or a PostgreSQL schema."""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry

# Execution options of a connection that only reads: on SQLite its transaction does not take the write
# lock (a plain deferred BEGIN), so it never waits for, or holds back, the service's writers.
READ_ONLY = {"read_only": True}


@dataclass
class Database:
    url: str
    schema: str | None
    engine: Engine
    outbox_ready: threading.Event = field(default_factory=threading.Event)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def ensure_schema(self) -> None:
        if self.is_postgres and self.schema:
            with self.engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))

    def dispose(self) -> None:
        self.engine.dispose()


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (None for another database or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def open_database(url: str, schema: str | None = None, *, pool_size: int = 10) -> Database:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return Database(url, None, _sqlite_engine(url))
    connect_args = {"options": f"-csearch_path={schema}"} if schema else {}
    engine = create_engine(
        url, pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size, connect_args=connect_args
    )
    return Database(url, schema, engine)


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy issue BEGIN itself, so every transaction takes the write lock up front
        # (BEGIN IMMEDIATE): SQLite then serialises writers instead of failing lock upgrades.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("read_only") else "BEGIN IMMEDIATE")

    return engine


def table_of(model: type[Any]) -> Table:
    """The table of a mapped class (SQLModel sets `__table__` on table=True classes without declaring it)."""
    table = sa_inspect(model).local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to one table")
    return table


def insert_if_absent(session: Session, table: Table, values: dict[str, Any]) -> bool:
    """INSERT unless a row with the same key exists — on PostgreSQL after waiting for a concurrent insert of
    that key to commit or roll back; True when this call inserted the row."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    key = list(table.primary_key.columns)[0]
    return session.execute(insert(table).values(**values).on_conflict_do_nothing().returning(key)).first() is not None
