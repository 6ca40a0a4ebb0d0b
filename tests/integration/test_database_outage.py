"""Intake's database going away for ten seconds while an event is on its way to the case projection:
the consumer keeps the event and retries until the database is back, then applies it once; nothing
is dead-lettered. (Before, the five deliveries the queue allows failed within milliseconds and the
event ended in the dead-letter queue, the case's status never updated.)"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contracts.events.review import TaskOpened
from tests.support.bus import failed_attempts, publish_event, ready_messages, subscribed
from tests.support.databases import DatabaseFactory
from tests.support.proxy import in_front_of
from tests.support.stack import Stack
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

OUTAGE_SECONDS = 10
CASE = "CASE-DB-OUTAGE"


def test_an_event_arriving_while_intakes_database_is_down_is_applied_once_it_returns(settings, postgres_url, tmp_path: Path):
    proxy, proxied_url = in_front_of(postgres_url)
    databases = DatabaseFactory("postgresql", tmp_path, proxied_url)
    try:
        with Stack(settings, databases, services=("intake",)) as stack:
            subscribed(stack, "intake")
            intake = stack.runtimes["intake"]
            queue = intake.topology.queue("intake.case-projection")
            timeline = intake.metadata.tables["timeline_entries"]

            proxy.cut()
            cut_at = time.monotonic()
            failed_before = failed_attempts(queue.name)
            event = publish_event(stack, TaskOpened(task_id="T-OUTAGE", case_id=CASE, kind="case_review", title="停库待办",
                                                    assignee_role="competent_department",
                                                    assignee_org="140400.city_science_bureau"),
                                  producer="review", correlation_id=CASE)
            eventually(lambda: failed_attempts(queue.name) > failed_before, what="the consumer to fail on the database")
            time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - cut_at)))
            proxy.restore()

            def applied() -> int:
                with intake.db.engine.connect() as conn:
                    return conn.execute(select(func.count()).select_from(timeline).where(timeline.c.case_id == CASE)).scalar_one()

            eventually(applied, what="the event to reach the case's timeline")
            assert ready_messages(settings.amqp_url, queue.dead_letter_queue) == 0
            inbox = intake.tables.inbox
            with intake.db.engine.connect() as conn:
                received = conn.execute(select(inbox.c.message_id).where(inbox.c.consumer == queue.key)).scalars().all()
            assert received == [str(event.id)] and applied() == 1
    finally:
        proxy.restore()
        databases.close()
        proxy.stop()
