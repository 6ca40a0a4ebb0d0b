"""The `cockpit` process's consumer in a test: on the test's bus namespace and the portal's database."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from infra import migrations
from infra.settings import Settings
from services.portal.adapters.cockpit_tables import events
from services.portal.entrypoints.app import build_runtime
from services.portal.entrypoints.cockpit_consumer import consumer
from tests.support.databases import DatabaseFactory
from tests.support.waiting import eventually


class CockpitProcess:
    """The consumer `duixian cockpit` runs, in a thread, writing to the test's portal database."""

    def __init__(self, settings: Settings, databases: DatabaseFactory):
        self.runtime = build_runtime(settings, databases.open("portal"))
        migrations.upgrade(self.runtime)
        self.consumer, _ = consumer(settings)
        self.consumer.handler.db = self.runtime.db  # type: ignore[attr-defined]  # the test's database (SQLite file or PostgreSQL schema)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.consumer.run, args=(self.stop,), daemon=True)

    def __enter__(self) -> CockpitProcess:
        self.thread.start()
        eventually(self.consumer.ready.is_set, what="the cockpit consumer to subscribe")
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(10)

    def applied(self) -> int:
        with self.runtime.db.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(events)).scalar_one())
