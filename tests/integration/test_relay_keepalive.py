"""The outbox relay keeps its broker connection alive through quiet periods: the first event after
an idle spell is published at the first attempt, not after a failure on a connection the broker
dropped for missed heartbeats.

The broker drops a connection after two missed heartbeats. With the default 30 s heartbeat that
is about a minute of quiet (the issue's 90 s idle); the test negotiates a 2 s heartbeat and stays
idle for 12 s (six heartbeats, three times the broker's limit), which is the same situation in a
seventh of the time. (The heartbeat is negotiated per connection, so the test cannot shorten it
on the old code: there the regression shows by removing the relay's `keepalive()` call.) One
database is enough: the connection, not the outbox query, is under test.
"""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from tests.support.stack import Stack
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

HEARTBEAT = 2
IDLE = 6 * HEARTBEAT


def open_task(stack: Stack, case_id: str) -> None:
    with stack.client("review", "workflow", "duixian") as client:
        response = client.post("/internal/tasks", json={
            "case_id": case_id, "kind": "case_review", "title": "测试待办", "assignee_role": "competent_department",
            "assignee_org": "140400.city_science_bureau"})
    assert response.status_code == 201, response.text


def outbox_row(stack: Stack, case_id: str):  # type: ignore[no-untyped-def]
    review = stack.runtimes["review"]
    outbox = review.tables.outbox
    with review.db.engine.connect() as conn:
        return conn.execute(
            select(outbox.c.published_at, outbox.c.attempts, outbox.c.last_error).where(outbox.c.correlation_id == case_id)
        ).one()


def test_the_first_event_after_an_idle_spell_is_published_without_a_failed_attempt(settings, postgres_databases, capsys):
    quiet = settings.model_copy(update={"amqp_heartbeat": HEARTBEAT, "consumers_enabled": False})
    with Stack(quiet, postgres_databases, services=("review",)) as stack:
        open_task(stack, "CASE-BEFORE-IDLE")
        eventually(lambda: outbox_row(stack, "CASE-BEFORE-IDLE").published_at, what="the relay to publish (and connect)")
        time.sleep(IDLE)
        open_task(stack, "CASE-AFTER-IDLE")
        after = eventually(lambda: (row := outbox_row(stack, "CASE-AFTER-IDLE")).published_at and row,
                           what="the event after the idle spell to be published")
    assert (after.attempts, after.last_error) == (0, None), "published at the first attempt"
    assert "outbox_publish_failed" not in capsys.readouterr().out
