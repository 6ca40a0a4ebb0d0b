"""A task whose working days reach a year the calendar does not know opens without a due date; loading that
year's schedule (POST /admin/calendar-schedules) dates it in the same unit of work, audits it and announces
it (`review.task.due_dated`, for the case's workflow to chase it). Decided tasks, tasks already due, tasks
without a period and tasks whose period reaches yet another unknown year are left as they are. Review's clock
is set to the days in question; nothing else is stood in (real HTTP, SQLite and PostgreSQL)."""
from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from contracts.api.review import OpenTask
from contracts.envelope import Actor
from infra.auth import Principal
from infra.clock import as_utc
from infra.uow import UnitOfWork
from policies.calendar import YearSchedule
from services.review.adapters.orm import Task
from services.review.service_layer import calendar, tasks
from tests.support.cases import SCIENCE
from tests.support.stack import Stack
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

BEIJING = dt.timezone(dt.timedelta(hours=8))
SCHEDULE_2027 = Path(__file__).parents[1] / "unit/policies/fixtures/calendar_2027_TEST_DATA.yaml"


def test_loading_a_year_schedule_dates_the_open_tasks_that_waited_for_it(settings, databases, monkeypatch):
    def review_clock(*args: int) -> None:
        monkeypatch.setattr(tasks, "utcnow", lambda: dt.datetime(*args, tzinfo=BEIJING).astimezone(dt.UTC))

    with Stack(settings, databases, services=("review",)) as stack, stack.client("review", "workflow", "duixian") as workflow, \
            stack.client("review", "competent_department", SCIENCE, region="140400", subject="science-officer") as officer:
        def opened(case_id: str, working_days: int | None = 5) -> str:
            response = workflow.post("/internal/tasks", headers={"Idempotency-Key": f"{case_id}/open-task-1"}, json={
                "case_id": case_id, "kind": "case_review", "title": "审核", "assignee_role": "competent_department",
                "assignee_org": SCIENCE, "due_working_days": working_days})
            assert response.status_code == 201, response.text
            return response.json()["task_id"]

        def task(task_id: str) -> dict:
            response = officer.get(f"/tasks/{task_id}")
            assert response.status_code == 200, response.text
            return response.json()

        review_clock(2026, 12, 1, 10)
        known = opened("CASE-KNOWN")  # 12-2 … 12-8: within 2026, which the statutory calendar knows
        known_due = task(known)["due_at"]
        review_clock(2026, 12, 28, 10)  # a Monday; its 5 working days reach 2027
        waiting, decided, no_period = opened("CASE-WAITING"), opened("CASE-DECIDED"), opened("CASE-NO-PERIOD", None)
        review_clock(2027, 12, 28, 10)  # its period reaches 2028, which no schedule knows yet
        beyond = opened("CASE-2028")
        assert [task(t)["due_at"] for t in (waiting, decided, no_period, beyond)] == [None] * 4
        assert task(waiting)["due_working_days"] == 5 and task(no_period)["due_working_days"] is None
        approved = officer.post(f"/tasks/{decided}/decision", json={"decision": "approve", "reason": "材料齐全"})
        assert approved.status_code == 201, approved.text

        with stack.client("review", "admin", "ops", subject="admin-1") as admin:
            loaded = admin.post("/admin/calendar-schedules", json=YearSchedule.from_file(SCHEDULE_2027).model_dump(mode="json"),
                                headers={"Idempotency-Key": "load-2027"})
        assert loaded.status_code == 201, loaded.text
        assert loaded.json()["tasks_due_dated"] == 1

        # 12-29, 12-30, 12-31, (元旦 1-1, weekend 1-2 and 1-3), 1-4, 1-5: due at the end of Tue 2027-01-05
        assert dt.datetime.fromisoformat(task(waiting)["due_at"]) == dt.datetime(2027, 1, 6, tzinfo=BEIJING)
        assert task(decided)["due_at"] is None, "a decided task is left alone"
        assert task(no_period)["due_at"] is None and task(beyond)["due_at"] is None
        assert task(known)["due_at"] == known_due

        review = stack.runtimes["review"]
        outbox, audit = review.tables.outbox, review.tables.audit_log
        with review.db.engine.connect() as conn:
            events = [json.loads(body) for body in conn.execute(
                select(outbox.c.body).where(outbox.c.event_type == "review.task.due_dated")).scalars()]
            audited = conn.execute(select(audit.c.object_id).where(audit.c.action == "task.due_date")).scalars().all()
        assert [(e["correlation_id"], e["payload"]["task_id"], e["payload"]["kind"], e["payload"]["assignee_org"])
                for e in events] == [("CASE-WAITING", waiting, "case_review", SCIENCE)]
        assert dt.datetime.fromisoformat(events[0]["payload"]["due_at"]) == dt.datetime(2027, 1, 6, tzinfo=BEIJING)
        assert audited == [waiting]

        review_clock(2027, 1, 6, 0, 1)
        late = officer.get("/tasks", params={"overdue": "true"}).json()
        assert [t["id"] for t in late] == [known, waiting], "once dated, the task is flagged when it runs late"


def test_a_task_opened_while_its_year_is_being_loaded_is_dated(settings, postgres_databases, monkeypatch):
    """The race the calendar lock closes (PostgreSQL: SQLite runs writing transactions one at a time): a task whose
    period reaches 2027 is opened while the 2027 schedule's load has scanned for waiting tasks but not committed.
    The task waits for the load, then counts on the loaded year, instead of committing undated after the scan."""
    monkeypatch.setattr(tasks, "utcnow", lambda: dt.datetime(2026, 12, 28, 10, tzinfo=BEIJING).astimezone(dt.UTC))
    admin = Principal(subject="admin-1", role="admin", organisation="ops")
    schedule = YearSchedule.from_file(SCHEDULE_2027)
    with Stack(settings, postgres_databases, services=("review",)) as stack:
        review = stack.runtimes["review"]
        opened: list[str] = []
        backend: list[int] = []  # the task's transaction's server process: other tests' transactions wait for locks too

        def open_meanwhile() -> None:
            with UnitOfWork(review, actor=Actor(subject="duixian-worker", role="workflow", organisation="duixian")) as uow:
                backend.append(uow.session.execute(text("SELECT pg_backend_pid()")).scalar_one())
                ref = tasks.open_task(uow, OpenTask(case_id="CASE-RACE", kind="case_review", title="审核",
                                                    assignee_role="competent_department", assignee_org=SCIENCE,
                                                    due_working_days=5))
                uow.commit()
            opened.append(ref.task_id)

        with UnitOfWork(review, actor=admin.as_actor()) as loading:
            assert calendar.load_schedule(loading, admin, schedule).tasks_due_dated == 0  # scanned: nothing waits yet
            opener = threading.Thread(target=open_meanwhile)
            opener.start()
            eventually(lambda: backend and waiting_for_a_lock(review, backend[0]), what="the task's transaction to wait for the load's")
            loading.commit()
        opener.join(timeout=30)
        assert opened, "the task was opened once the load committed"
        with UnitOfWork(review, actor=admin.as_actor()) as reading:
            task = reading.session.get(Task, opened[0])
            assert task is not None and task.due_at is not None, "not left undated"
            assert as_utc(task.due_at) == dt.datetime(2027, 1, 6, tzinfo=BEIJING), "counted on the year loaded meanwhile"


def waiting_for_a_lock(runtime, pid: int) -> bool:  # type: ignore[no-untyped-def]
    with runtime.db.engine.connect() as conn:
        return bool(conn.execute(text("SELECT count(*) FROM pg_locks WHERE pid = :pid AND NOT granted"), {"pid": pid}).scalar())
