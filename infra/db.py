"""Engines for a service's own database: SQLite file (embedded default) or a PostgreSQL schema."""
from __future__ import annotations

import sqlite3
import threading
import weakref
from collections import deque
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
BUSY_TIMEOUT_SECONDS = 30


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
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_SECONDS})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy issue BEGIN itself, so every transaction takes the write lock up front
        # (BEGIN IMMEDIATE): SQLite then serialises writers instead of failing lock upgrades.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.close()

    writers = _TURNS[engine] = _WriterTurns(BUSY_TIMEOUT_SECONDS)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("read_only"):
            conn.exec_driver_sql("BEGIN")
            return
        dbapi_connection = conn.connection.dbapi_connection
        writers.take(dbapi_connection)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            writers.give_back(dbapi_connection)
            raise

    # The turn ends once SQLite has committed or rolled back (the dialect's own calls: after them, not in the
    # commit/rollback events, which fire before), or when the pool drops the connection.
    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_connection: Any) -> None:
        try:
            commit(dbapi_connection)
        finally:
            writers.give_back(dbapi_connection)

    def do_rollback(dbapi_connection: Any) -> None:
        try:
            rollback(dbapi_connection)
        finally:
            writers.give_back(dbapi_connection)

    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback  # type: ignore[method-assign]
    event.listen(engine, "invalidate", lambda dbapi_connection, *_: writers.give_back(dbapi_connection))
    event.listen(engine, "close", lambda dbapi_connection, *_: writers.give_back(dbapi_connection))
    return engine


def writer_turns(engine: Engine) -> _WriterTurns | None:
    """The turns of a SQLite engine's writing transactions (None for PostgreSQL)."""
    return _TURNS.get(engine)


class _WriterTurns:
    """The process's writing transactions on one SQLite engine take turns on a lock before BEGIN IMMEDIATE.

    SQLite serialises writers anyway; without this, the writers waiting for its lock poll it from the busy
    handler, sleeping up to 100 ms between tries, so a waiting transaction can lose its turn again and again
    (seconds at p99 under 32 concurrent writers) while the lock lies free between tries. Here a waiting
    thread is woken as soon as the lock is released. Another process's writers (the command line, migrations)
    still meet SQLite's own lock and busy timeout; a writer that cannot take its turn within the busy timeout
    goes on to BEGIN IMMEDIATE as before and meets the same timeout there."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self._mutex = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._holder: object | None = None
        self._busy = False

    def take(self, dbapi_connection: object) -> None:
        """Wait for this connection's turn, first come first served (the turn is handed over on release)."""
        with self._mutex:
            if not self._busy:
                self._busy, self._holder = True, dbapi_connection
                return
            turn = threading.Event()
            self._waiting.append(turn)
        handed = turn.wait(self.timeout)
        with self._mutex:
            if handed or turn.is_set():
                self._holder = dbapi_connection
            else:
                self._waiting.remove(turn)

    def give_back(self, dbapi_connection: object) -> None:
        connection = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)  # the pool passes its proxy
        with self._mutex:
            if connection is None or self._holder is not connection:
                return
            self._holder = None
            if self._waiting:
                self._waiting.popleft().set()  # still busy: the turn passes to the longest waiting
            else:
                self._busy = False


_TURNS: weakref.WeakKeyDictionary[Engine, _WriterTurns] = weakref.WeakKeyDictionary()


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
