"""Every working-day period review counts is counted on one calendar: the statutory one plus the year
schedules an admin loaded (issue 11 item 6). chinese-calendar stops at 2026, so from late December 2026
a task's 5 working days reach into 2027: once the 2027 schedule is loaded such a task is due, and so is
one reopened after 补正; the official's queue flags it when it runs late. Review's clock is set to the
days in question (nothing else is stood in: real HTTP, SQLite and PostgreSQL)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from policies.calendar import YearSchedule
from services.review.service_layer import tasks
from tests.support.cases import SCIENCE
from tests.support.stack import Stack

pytestmark = pytest.mark.integration

BEIJING = dt.timezone(dt.timedelta(hours=8))
SCHEDULE_2027 = Path(__file__).parents[1] / "unit/policies/fixtures/calendar_2027_TEST_DATA.yaml"


def task(case_id: str, resumes: str | None = None) -> dict:
    return {"case_id": case_id, "kind": "case_review", "title": "审核", "assignee_role": "competent_department",
            "assignee_org": SCIENCE, "due_working_days": 5, "resumes_task_id": resumes}


def due(response) -> dt.datetime | None:  # type: ignore[no-untyped-def]
    assert response.status_code == 201, response.text
    value = response.json()["due_at"]
    return None if value is None else dt.datetime.fromisoformat(value)


def test_a_task_opened_in_late_december_2026_is_due_on_the_2027_schedule_an_admin_loaded(settings, databases, monkeypatch):
    def review_clock(*args: int) -> None:
        monkeypatch.setattr(tasks, "utcnow", lambda: dt.datetime(*args, tzinfo=BEIJING).astimezone(dt.UTC))

    schedule = YearSchedule.from_file(SCHEDULE_2027).model_dump(mode="json")
    with Stack(settings, databases, services=("review",)) as stack, stack.client("review", "workflow", "duixian") as workflow:
        review_clock(2026, 12, 28, 10)  # a Monday
        before = workflow.post("/internal/tasks", json=task("CASE-0"), headers={"Idempotency-Key": "case-0/open-task-1"})
        assert due(before) is None, "without a 2027 schedule the due date is never guessed"
        with stack.client("review", "admin", "ops", subject="admin-1") as admin:
            loaded = admin.post("/admin/calendar-schedules", json=schedule, headers={"Idempotency-Key": "load-2027"})
            assert loaded.status_code == 201, loaded.text

        opened = workflow.post("/internal/tasks", json=task("CASE-1"), headers={"Idempotency-Key": "case-1/open-task-1"})
        # 12-29, 12-30, 12-31, (元旦 1-1, weekend 1-2 and 1-3), 1-4, 1-5: due at the end of Tue 2027-01-05
        assert due(opened) == dt.datetime(2027, 1, 6, tzinfo=BEIJING)
        with stack.client("review", "competent_department", SCIENCE, region="140400", subject="science-officer") as officer:
            asked = officer.post(f"/tasks/{opened.json()['task_id']}/decision", json={
                "decision": "supplement", "reason": "材料不全", "missing_items": ["技术合同登记证明"]})
            assert asked.status_code == 201, asked.text

            review_clock(2027, 1, 11, 10)  # the applicant resubmits on Monday a week later
            reopened = workflow.post("/internal/tasks", json=task("CASE-1", resumes=opened.json()["task_id"]),
                                     headers={"Idempotency-Key": "case-1/open-task-1-supplemented-2"})
            # asked the day it opened, the step keeps its 5 working days: 1-12 … 1-15, (weekend), 1-18
            assert due(reopened) == dt.datetime(2027, 1, 19, tzinfo=BEIJING)

            review_clock(2027, 1, 19, 0, 1)
            late = officer.get("/tasks", params={"overdue": "true"}).json()
            # CASE-0's task got its due date (2027-01-06) when the schedule was loaded (test_task_due_dating.py)
            assert [t["id"] for t in late] == [before.json()["task_id"], reopened.json()["task_id"]], \
                "the late 2027 tasks are flagged in the queue"
