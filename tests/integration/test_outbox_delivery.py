"""The transactional outbox and the inbox: nothing lost while the broker is down, nothing applied twice.
While the broker is down the service stays ready (the outbox holds the events) and its status says so."""
from __future__ import annotations

import threading

import httpx
import pytest
from sqlalchemy import func, select, update

from tests.support.bus import consumed
from tests.support.proxy import in_front_of
from tests.support.stack import Stack
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

TASKS = 30


def open_task(client: httpx.Client, number: int) -> httpx.Response:
    return client.post(
        "/internal/tasks",
        json={
            "case_id": f"CASE-OUTAGE-{number:03d}",
            "kind": "case_review",
            "title": f"测试待办 {number}",
            "assignee_role": "competent_department",
            "assignee_org": "140400.city_science_bureau",
        },
    )


def count(runtime, table) -> int:  # type: ignore[no-untyped-def]
    with runtime.db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def unpublished(runtime) -> int:  # type: ignore[no-untyped-def]
    outbox = runtime.tables.outbox
    with runtime.db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))).scalar_one()


def test_events_wait_in_the_outbox_while_the_broker_is_down_and_each_is_applied_exactly_once(settings, databases, amqp_url):
    proxy, proxied_url = in_front_of(amqp_url)
    proxied = settings.model_copy(update={"amqp_url": proxied_url})
    with Stack(proxied, databases, services=("intake", "review")) as stack:
        review, intake = stack.runtimes["review"], stack.runtimes["intake"]
        timeline = intake.metadata.tables["timeline_entries"]
        statuses: list[int] = []
        submitted_while_down = threading.Event()

        def submit_all() -> None:
            with stack.client("review", "workflow", "duixian") as client:
                for number in range(TASKS):
                    statuses.append(open_task(client, number).status_code)
                    if number == TASKS // 3:
                        proxy.cut()
                    if number == 2 * TASKS // 3:
                        submitted_while_down.set()

        submitter = threading.Thread(target=submit_all)
        submitter.start()
        submitted_while_down.wait(60)
        with stack.client("review") as client:
            readiness = client.get("/readyz")
        assert readiness.status_code == 200, "the service still serves requests: the outbox holds the events"
        with stack.client("review", "auditor", "140000.audit_office") as auditor:
            status = auditor.get("/status").json()
        dependencies = {d["name"]: d["status"] for d in status["dependencies"]}
        assert (status["status"], dependencies) == ("degraded", {"database": "ok", "broker": "down"})
        assert status["outbox"]["unpublished"] > 0, "events written while the broker is down wait in the outbox"
        assert status["outbox"]["oldest_unpublished_age_seconds"] >= 0 and status["outbox"]["oldest_unpublished_at"]
        proxy.restore()
        submitter.join(60)

        assert statuses == [201] * TASKS, "writes succeed whether or not the broker is up"
        eventually(lambda: unpublished(review) == 0, timeout=60, what="the outbox to drain")
        eventually(lambda: count(intake, timeline) == TASKS, timeout=60, what="every event to reach intake")
        with stack.client("review", "auditor", "140000.audit_office") as auditor:
            status = auditor.get("/status").json()
        assert {d["name"]: d["status"] for d in status["dependencies"]}["broker"] == "ok"
        assert status["outbox"]["unpublished"] == 0 and status["outbox"]["oldest_unpublished_at"] is None

        # Re-publish everything (as after a relay crash between confirm and commit): duplicates are dropped.
        with review.db.engine.begin() as conn:
            conn.execute(update(review.tables.outbox).values(published_at=None))
        eventually(lambda: unpublished(review) == 0, timeout=60, what="the re-published outbox to drain")
        queue = intake.topology.queue("intake.case-projection").name
        eventually(lambda: consumed(queue) >= 2 * TASKS, timeout=60, what="intake to consume every duplicate")
        assert count(intake, intake.tables.inbox) == TASKS
        assert count(intake, timeline) == TASKS, "each event's effect is applied exactly once"
        with intake.db.engine.connect() as conn:
            case_ids = conn.execute(select(timeline.c.case_id)).scalars().all()
        assert sorted(case_ids) == sorted(f"CASE-OUTAGE-{n:03d}" for n in range(TASKS))
    proxy.stop()
