"""Outbox relay: publishes committed outbox rows to RabbitMQ, oldest first.

Safe with several replicas: on PostgreSQL each batch is claimed with FOR UPDATE SKIP LOCKED. The relay
is woken by its own process's commits (Database.outbox_ready) and polls otherwise.
A row is marked published only after the broker confirmed it; if the broker is down the rows
wait and are sent when it returns. A crash between confirm and commit re-sends the row, which
consumers drop by message id (inbox), so delivery is at-least-once and effects exactly-once.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence

import structlog
from sqlalchemy import Connection, Row, Select, bindparam, select, update

from infra.amqp import Publisher
from infra.clock import utcnow
from infra.db import READ_ONLY, Database
from infra.metrics import OUTBOX_PUBLISH_FAILURES, OUTBOX_PUBLISHED
from infra.tables import InfraTables

log = structlog.get_logger(__name__)


class OutboxRelay:
    def __init__(self, service: str, db: Database, tables: InfraTables, publisher: Publisher, *, batch_size: int = 100):
        self.service = service
        self.db = db
        self.outbox = tables.outbox
        self.publisher = publisher
        self.batch_size = batch_size
        self.broker_failed = False

    def publish_batch(self) -> int:
        """Publish up to one batch; returns how many rows were published (stops at the first failure).

        PostgreSQL: the batch is claimed (FOR UPDATE SKIP LOCKED) and marked in one transaction, so
        replicas never publish the same rows; row locks do not hold back the service's inserts.
        SQLite takes one write lock for the whole database: a transaction open while the broker confirms
        a batch would hold back every request that writes. There the batch is read without the lock,
        published, and marked in a short write transaction (one relay per SQLite file, one process)."""
        self.broker_failed = False
        if self.db.is_postgres:
            with self.db.engine.begin() as conn:
                rows = conn.execute(self._pending().with_for_update(skip_locked=True)).all()
                published, failure = self._publish(rows)
                self._record(conn, published, failure)
        else:
            with self.db.engine.connect().execution_options(**READ_ONLY) as conn:
                rows = conn.execute(self._pending()).all()
            published, failure = self._publish(rows)
            if published or failure:
                with self.db.engine.begin() as conn:
                    self._record(conn, published, failure)
        if published:
            OUTBOX_PUBLISHED.labels(self.service).inc(len(published))
        return len(published)

    def _pending(self) -> Select:
        outbox = self.outbox
        return (select(outbox.c.seq, outbox.c.message_id, outbox.c.event_type, outbox.c.correlation_id, outbox.c.body)
                .where(outbox.c.published_at.is_(None)).order_by(outbox.c.seq).limit(self.batch_size))

    def _publish(self, rows: Sequence[Row]) -> tuple[list[dict], dict | None]:
        """Publishes in order until the first failure: (the published rows with when, the failed row with why)."""
        published: list[dict] = []
        for row in rows:
            try:
                self.publisher.publish(
                    routing_key=row.event_type,
                    body=row.body.encode(),
                    message_id=row.message_id,
                    correlation_id=row.correlation_id,
                    event_type=row.event_type,
                )
            except Exception as error:
                OUTBOX_PUBLISH_FAILURES.labels(self.service).inc()
                log.warning("outbox_publish_failed", service=self.service, message_id=row.message_id, error=repr(error))
                self.broker_failed = True
                return published, {"row_seq": row.seq, "error": repr(error)[:2000]}
            published.append({"row_seq": row.seq, "at": utcnow()})
        return published, None

    def _record(self, conn: Connection, published: list[dict], failure: dict | None) -> None:
        outbox = self.outbox
        if published:
            conn.execute(update(outbox).where(outbox.c.seq == bindparam("row_seq")).values(published_at=bindparam("at")),
                         published)
        if failure is not None:
            conn.execute(update(outbox).where(outbox.c.seq == failure["row_seq"])
                         .values(attempts=outbox.c.attempts + 1, last_error=failure["error"]))

    def run(self, stop: threading.Event, poll_seconds: float = 0.5) -> None:
        backoff = poll_seconds
        while not stop.is_set():
            self.publisher.keepalive()
            try:
                count = self.publish_batch()
                failed = self.broker_failed
            except Exception as error:  # database trouble: wait and retry, rows stay in the outbox
                log.warning("outbox_relay_error", service=self.service, error=repr(error))
                count, failed = 0, True
            backoff = min(backoff * 2, 5.0) if failed else poll_seconds
            if failed:
                stop.wait(backoff)
                continue
            if count >= self.batch_size:
                continue
            self.db.outbox_ready.wait(backoff)
            self.db.outbox_ready.clear()
        self.publisher.close()
