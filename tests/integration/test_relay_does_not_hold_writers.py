"""The outbox relay does not hold a service's writers back while the broker confirms a batch.

SQLite has one write lock for the whole database: the relay used to publish inside a write
transaction, so during an intake surge every request that writes waited for the broker's confirms
of up to a hundred messages (p99 of seconds). It now reads the batch without the lock and marks
what was published in a short transaction of its own; nothing is lost on the way (the rows are
still unpublished until marked). PostgreSQL claims with row locks (FOR UPDATE SKIP LOCKED), which
never held inserts back; the test runs on both.
"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from infra.amqp import Publisher
from infra.relay import OutboxRelay
from tests.support.stack import Stack
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration


class HeldPublisher(Publisher):
    """The real publisher, held at its first publish until the test lets it go (a slow broker)."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.inside, self.release = threading.Event(), threading.Event()

    def publish(self, **message) -> None:  # type: ignore[no-untyped-def]
        self.inside.set()
        self.release.wait(30)
        super().publish(**message)


def open_task(stack: Stack, case_id: str) -> int:
    with stack.client("review", "workflow", "duixian") as client:
        return client.post("/internal/tasks", json={
            "case_id": case_id, "kind": "case_review", "title": "测试待办", "assignee_role": "competent_department",
            "assignee_org": "140400.city_science_bureau"}).status_code


def published(stack: Stack) -> dict[str, bool]:
    review = stack.runtimes["review"]
    outbox = review.tables.outbox
    with review.db.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.correlation_id, outbox.c.published_at)).all()
    return {row.correlation_id: row.published_at is not None for row in rows}


def test_a_request_writes_while_the_relay_waits_for_the_broker_and_both_events_go_out(settings, databases):
    quiet = settings.model_copy(update={"relay_enabled": False, "consumers_enabled": False})
    with Stack(quiet, databases, services=("review",)) as stack:
        review = stack.runtimes["review"]
        publisher = HeldPublisher(quiet.amqp_url, review.topology)
        relay = OutboxRelay("review", review.db, review.tables, publisher)
        assert open_task(stack, "CASE-BEFORE") == 201
        publishing = threading.Thread(target=relay.publish_batch)
        publishing.start()
        assert publisher.inside.wait(30), "the relay is publishing the first event"

        statuses: list[int] = []
        writer = threading.Thread(target=lambda: statuses.append(open_task(stack, "CASE-WHILE-PUBLISHING")))
        writer.start()
        writer.join(10)
        wrote_while_held = not writer.is_alive()
        publisher.release.set()
        writer.join(60)
        publishing.join(60)
        assert wrote_while_held, "the request's write waited for the relay's broker confirms"
        assert statuses == [201]
        assert published(stack) == {"CASE-BEFORE": True, "CASE-WHILE-PUBLISHING": False}
        while relay.publish_batch():
            pass
        assert eventually(lambda: published(stack), what="the outbox rows") == {
            "CASE-BEFORE": True, "CASE-WHILE-PUBLISHING": True}
        publisher.close()
