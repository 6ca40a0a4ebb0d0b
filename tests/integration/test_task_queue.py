"""An official's queue shows which open tasks are past their due date and can list only those."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlmodel import Session

from infra.clock import utcnow
from services.review.adapters.orm import Task
from tests.support.stack import Stack

pytestmark = pytest.mark.integration

SCIENCE = ("city_science_bureau", "140400.city_science_bureau")


def _task(organisation: str, *, due_in: dt.timedelta | None, status: str = "open") -> Task:
    now = utcnow()
    return Task(id=f"TASK-{uuid.uuid4().hex[:10]}", case_id=f"CASE-{uuid.uuid4().hex[:6]}", kind="case_review",
                title="审核", assignee_role=SCIENCE[0], assignee_org=organisation, facts={}, status=status,
                opened_by="workflow", opened_at=now - dt.timedelta(days=10),
                due_at=None if due_in is None else now + due_in)


def test_open_tasks_past_their_due_date_are_flagged_and_can_be_listed_alone(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack:
        late = _task(SCIENCE[1], due_in=-dt.timedelta(hours=1))
        in_time = _task(SCIENCE[1], due_in=dt.timedelta(days=2))
        no_due = _task(SCIENCE[1], due_in=None)
        done_late = _task(SCIENCE[1], due_in=-dt.timedelta(days=3), status="decided")
        elsewhere = _task("140900.city_science_bureau", due_in=-dt.timedelta(days=1))
        with Session(stack.runtimes["review"].db.engine, expire_on_commit=False) as session:
            session.add_all([late, in_time, no_due, done_late, elsewhere])
            session.commit()
        with stack.client("review", *SCIENCE, region="140400") as client:
            everything = {t["id"]: t["overdue"] for t in client.get("/tasks").json()}
            only_late = client.get("/tasks", params={"overdue": "true"}).json()
            not_late = client.get("/tasks", params={"overdue": "false"}).json()
            bad = client.get("/tasks", params={"overdue": "sometimes"})
        assert everything == {late.id: True, in_time.id: False, no_due.id: False, done_late.id: False}
        assert [t["id"] for t in only_late] == [late.id], "another city's late task stays out of this queue"
        assert {t["id"] for t in not_late} == {in_time.id, no_due.id, done_late.id}
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"].endswith("overdue")
