"""Every POST honours Idempotency-Key: same key and body → same response; different body → 409."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from tests.support.stack import Stack

pytestmark = pytest.mark.integration


def task(case_id: str) -> dict:
    return {"case_id": case_id, "kind": "case_review", "title": "幂等测试", "assignee_role": "competent_department",
            "assignee_org": "140400.city_science_bureau"}


def tasks_in(stack: Stack) -> int:
    runtime = stack.runtimes["review"]
    with runtime.db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(runtime.metadata.tables["tasks"])).scalar_one()


def test_same_key_and_body_returns_the_same_response_and_a_different_body_is_refused(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack, stack.client("review", "workflow", "duixian") as client:
        first = client.post("/internal/tasks", json=task("CASE-1"), headers={"Idempotency-Key": "wf-1/open-task-1"})
        again = client.post("/internal/tasks", json=task("CASE-1"), headers={"Idempotency-Key": "wf-1/open-task-1"})
        other = client.post("/internal/tasks", json=task("CASE-2"), headers={"Idempotency-Key": "wf-1/open-task-1"})
        assert first.status_code == 201 and again.status_code == 201
        assert again.json() == first.json() and again.headers["Idempotent-Replay"] == "true"
        assert other.status_code == 409 and other.json()["code"] == "conflict"
        assert tasks_in(stack) == 1


def test_twenty_concurrent_identical_requests_have_one_effect(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack:
        def send(_: int):  # type: ignore[no-untyped-def]
            with stack.client("review", "workflow", "duixian") as client:
                return client.post("/internal/tasks", json=task("CASE-C"), headers={"Idempotency-Key": "wf-c/open-task-1"})

        with ThreadPoolExecutor(max_workers=20) as pool:
            responses = list(pool.map(send, range(20)))
        assert {r.status_code for r in responses} == {201}
        assert len({r.json()["task_id"] for r in responses}) == 1
        assert tasks_in(stack) == 1
