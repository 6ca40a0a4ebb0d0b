"""A case step past its working days: the department is reminded once (review.task.overdue on the case's
timeline) and may still decide; the seeds name no office supervising a city department's case work, so
nothing is escalated (长科发〔2022〕5号 8.3 as the example clause)."""
from __future__ import annotations

import datetime as dt

import pytest

from policies.registry import load_registry
from tests.support.cases import CENTER, SCIENCE, apply, open_tasks_for, tech_transfer_facts
from tests.support.stack import Stack
from tests.support.temporal import TemporalHarness
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually

pytestmark = pytest.mark.workflow

def test_an_overdue_case_step_reminds_its_department_once_and_can_still_be_decided(settings, postgres_databases):
    uscc = make_uscc()
    with Stack(settings, postgres_databases) as stack, TemporalHarness(stack.settings) as temporal:
        case_id = apply(stack, uscc, "ckf2022-8.3", tech_transfer_facts("5000000"))
        with stack.client("review", "competent_department", CENTER, region="140400", subject="center-officer") as center:
            task = eventually(lambda: open_tasks_for(center, case_id), what="the centre's task")[0]
        assert task["due_at"] is not None, "every step has a working-day due date"

        def chased(kind: str) -> list[dict]:
            with stack.client("intake", "enterprise", uscc, region="140400") as applicant:
                return [e for e in applicant.get(f"/applications/{case_id}/timeline").json() if e["event_type"] == kind]
        allowed = dt.datetime.fromisoformat(task["due_at"]) - dt.datetime.now(dt.UTC)
        temporal.skip(allowed - dt.timedelta(hours=1))
        assert not chased("review.task.overdue"), "not before the due date"
        temporal.skip(dt.timedelta(hours=2))
        reminded = eventually(lambda: chased("review.task.overdue"), what="the reminder")
        assert [e["details"]["task_id"] for e in reminded] == [task["id"]]
        assert load_registry().organisation_zh(CENTER) in reminded[0]["summary"]
        temporal.skip(allowed * 2)
        assert len(chased("review.task.overdue")) == 1 and not chased("review.task.escalated")
        with stack.client("review", "competent_department", CENTER, region="140400", subject="center-officer") as center:
            late = center.post(f"/tasks/{task['id']}/decision", json={"decision": "approve", "reason": "逾期办结"})
            assert late.status_code == 201, late.text
        with stack.client("review", "competent_department", SCIENCE, region="140400", subject="science-officer") as science:
            eventually(lambda: open_tasks_for(science, case_id), what="the next step after the late decision")


def test_a_step_whose_period_reached_an_unloaded_year_is_reminded_once_the_admin_loads_it(settings, postgres_databases,
                                                                                         monkeypatch):
    """Opened on Monday 2026-12-28, the step's 5 working days reach 2027, which no calendar knows: no due date,
    nobody chased. The admin loads 2027; review dates the task (review.task.due_dated), the bridge signals the
    case, and past the due date the department is reminded (real services, broker, bridge and worker)."""
    from pathlib import Path

    from policies.calendar import YearSchedule
    from services.review.service_layer import tasks

    uscc = make_uscc()
    monkeypatch.setattr(tasks, "utcnow", lambda: dt.datetime(2026, 12, 28, 2, tzinfo=dt.UTC))  # 10:00 in Beijing
    schedule = YearSchedule.from_file(Path(__file__).parents[1] / "unit/policies/fixtures/calendar_2027_TEST_DATA.yaml")
    with Stack(settings, postgres_databases) as stack, TemporalHarness(stack.settings) as temporal:
        case_id = apply(stack, uscc, "ckf2022-8.3", tech_transfer_facts("5000000"))
        with stack.client("review", "competent_department", CENTER, region="140400", subject="center-officer") as center:
            task = eventually(lambda: open_tasks_for(center, case_id), what="the centre's task")[0]
        assert task["due_at"] is None and task["due_working_days"] == 5

        def chased() -> list[dict]:
            with stack.client("intake", "enterprise", uscc, region="140400") as applicant:
                return [e for e in applicant.get(f"/applications/{case_id}/timeline").json()
                        if e["event_type"] == "review.task.overdue"]
        temporal.skip(dt.timedelta(days=3))
        assert not chased(), "without a due date nobody is reminded"
        with stack.client("review", "admin", "ops", subject="admin-1") as admin:
            loaded = admin.post("/admin/calendar-schedules", json=schedule.model_dump(mode="json"),
                                headers={"Idempotency-Key": f"load-2027-{case_id}"})
        assert loaded.status_code == 201 and loaded.json()["tasks_due_dated"] == 1, loaded.text
        eventually(lambda: temporal.query(case_id, "applied_events"), what="the due date reaching the case")
        due_at = dt.datetime(2027, 1, 6, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        temporal.skip(due_at - temporal.run(temporal.env.get_current_time()) - dt.timedelta(hours=1))
        assert not chased(), "not before the due date"
        temporal.skip(dt.timedelta(hours=2))
        reminded = eventually(chased, what="the reminder")
        assert [e["details"]["task_id"] for e in reminded] == [task["id"]]
