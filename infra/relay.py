"""Outbox relay: publishes committed outbox rows to RabbitMQ, oldest first.

Safe with several replicas: on PostgreSQL each batch is claimed with FOR UPDATE SKIP LOCKED.
A row is marked published only after the broker confirmed it; if the broker is down the rows
wait and are sent when it returns. A crash between confirm and commit re-sends the row, which
consumers drop by message id (inbox), so delivery is at-least-once and effects exactly-once.
"""
from __future__ import annotations

import threading

import structlog
from sqlalchemy import select, update

from infra.amqp import Publisher
from infra.clock import utcnow
from infra.db import Database
from infra.metrics import OUTBOX_PUBLISHED, OUTBOX_PUBLISH_FAILURES
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
        """Publish up to one batch; returns how many rows were published (stops at the first failure)."""
        outbox = self.outbox
        published = 0
        self.broker_failed = False
        with self.db.engine.begin() as conn:
            rows = conn.execute(
                select(outbox.c.seq, outbox.c.message_id, outbox.c.event_type, outbox.c.correlation_id, outbox.c.body)
                .where(outbox.c.published_at.is_(None))
                .order_by(outbox.c.seq)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
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
                    conn.execute(
                        update(outbox)
                        .where(outbox.c.seq == row.seq)
                        .values(attempts=outbox.c.attempts + 1, last_error=repr(error)[:2000])
                    )
                    self.broker_failed = True
                    break
                conn.execute(update(outbox).where(outbox.c.seq == row.seq).values(published_at=utcnow()))
                published += 1
        if published:
            OUTBOX_PUBLISHED.labels(self.service).inc(published)
        return published

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
