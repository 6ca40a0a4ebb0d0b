"""A fresh database per test and service: a SQLite file, or a PostgreSQL schema dropped afterwards."""
from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import text

from infra.db import Database, open_database


class DatabaseFactory:
    def __init__(self, kind: str, directory: Path, postgres_url: str | None):
        self.kind = kind
        self.directory = directory
        self.postgres_url = postgres_url
        self.token = uuid.uuid4().hex[:8]
        self.opened: list[Database] = []

    def open(self, service: str) -> Database:
        if self.kind == "sqlite":
            db = open_database(f"sqlite:///{self.directory / f'{service}.db'}")
        else:
            assert self.postgres_url is not None
            db = open_database(self.postgres_url, f"t_{self.token}_{service}", pool_size=5)
        self.opened.append(db)
        return db

    def url_and_schema(self, service: str) -> tuple[str, str | None]:
        if self.kind == "sqlite":
            return f"sqlite:///{self.directory / f'{service}.db'}", None
        assert self.postgres_url is not None
        return self.postgres_url, f"t_{self.token}_{service}"

    def close(self) -> None:
        for db in self.opened:
            if db.is_postgres and db.schema:
                db.engine.dispose()
                with open_database(db.url).engine.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{db.schema}" CASCADE'))
            else:
                db.dispose()
        self.opened.clear()
