"""An application and its 补正 carry materials (PDF, PNG, JPEG; intake's limits), and a case's timeline names
the department a step waits at in Chinese, with the task's due date, for the applicant's 我的申报 (also when
review dates the task only later, once an admin loads the year its period reaches)."""
from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from contracts.envelope import EventEnvelope
from contracts.events.review import TaskDueDated, TaskOpened
from policies.calendar import YearSchedule
from services.portal.domain import timeline as portal_timeline
from services.review.service_layer import tasks
from tests.support.bus import publish, publish_event
from tests.support.cases import CENTER, tech_transfer_facts
from tests.support.stack import Stack
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

PDF = base64.b64encode(b"%PDF-1.4\n% test\n").decode()


def test_an_application_carries_its_materials_with_their_sha256_and_a_wrong_file_opens_nothing(settings, databases):
    uscc = make_uscc()
    applicant = {"uscc": uscc, "name": "长治材料示例有限公司", "kind": "enterprise", "region": "140400"}
    with Stack(settings, databases, services=("intake",)) as stack, \
            stack.client("intake", "enterprise", uscc, region="140400") as client:
        refused = client.post("/applications", json={"clause_id": "ckf2022-8.3", "applicant": applicant,
                                                     "facts": tech_transfer_facts(), "materials": [
                                                         {"filename": "合同.pdf", "content_type": "image/png", "content_base64": PDF}]})
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "materials.0.content_type"
        assert client.get("/applications").json() == [], "nothing was opened"

        created = client.post("/applications", json={"clause_id": "ckf2022-8.3", "applicant": applicant,
                                                     "facts": tech_transfer_facts(), "materials": [
                                                         {"filename": "技术合同.pdf", "content_type": "application/pdf",
                                                          "content_base64": PDF}]})
        assert created.status_code == 201, created.text
        materials = created.json()["materials"]
        assert [(m["filename"], m["size_bytes"]) for m in materials] == [("技术合同.pdf", 16)]
        assert len(materials[0]["sha256"]) == 64
        shown = client.get(f"/applications/{created.json()['id']}").json()
        assert shown["materials"] == materials
        assert client.get("/applications").json()[0]["materials"] == materials


def test_a_case_timeline_names_the_department_a_step_waits_at_in_chinese_with_its_due_date(settings, databases):
    uscc = make_uscc()
    with Stack(settings, databases, services=("intake", "review")) as stack:
        with stack.client("intake", "enterprise", uscc, region="140400") as client:
            case_id = client.post("/applications", json={
                "clause_id": "ckf2022-8.3", "facts": tech_transfer_facts(),
                "applicant": {"uscc": uscc, "name": "长治时限示例有限公司", "kind": "enterprise", "region": "140400"}}).json()["id"]
        with stack.client("review", "workflow", "duixian", subject="duixian-worker") as worker:
            opened = worker.post("/internal/tasks", json={
                "case_id": case_id, "kind": "case_review", "title": "技术合同登记审核", "clause_id": "ckf2022-8.3",
                "assignee_role": "competent_department", "assignee_org": CENTER, "facts": tech_transfer_facts(),
                "due_working_days": 5})
            assert opened.status_code == 201, opened.text
        with stack.client("intake", "enterprise", uscc, region="140400") as client:
            entry = eventually(lambda: next((e for e in client.get(f"/applications/{case_id}/timeline").json()
                                             if e["event_type"] == "review.task.opened"), None), what="the task on the timeline")
        assert entry["summary"] == "待办「技术合同登记审核」已派发至 长治市引进国外智力（专家）服务中心"
        assert entry["details"]["assignee_org"] == CENTER and entry["details"]["assignee_role"] == "competent_department"
        assert entry["details"]["due_at"] is not None


BEIJING = dt.timezone(dt.timedelta(hours=8))
SCHEDULE_2027 = Path(__file__).parents[1] / "unit/policies/fixtures/calendar_2027_TEST_DATA.yaml"


def test_a_step_dated_after_it_opened_shows_its_due_date_on_the_timeline_once(settings, databases, monkeypatch):
    uscc = make_uscc()
    monkeypatch.setattr(tasks, "utcnow", lambda: dt.datetime(2026, 12, 28, 10, tzinfo=BEIJING).astimezone(dt.UTC))
    with Stack(settings, databases, services=("intake", "review")) as stack, \
            stack.client("intake", "enterprise", uscc, region="140400") as enterprise:
        case_id = enterprise.post("/applications", json={
            "clause_id": "ckf2022-8.3", "facts": tech_transfer_facts(),
            "applicant": {"uscc": uscc, "name": "长治待定示例有限公司", "kind": "enterprise", "region": "140400"}}).json()["id"]

        def entries(event_type: str) -> list[dict]:
            return [e for e in enterprise.get(f"/applications/{case_id}/timeline").json() if e["event_type"] == event_type]

        with stack.client("review", "workflow", "duixian", subject="duixian-worker") as worker:
            opened = worker.post("/internal/tasks", json={  # Mon 2026-12-28: its 5 working days reach 2027
                "case_id": case_id, "kind": "case_review", "title": "技术合同登记审核", "clause_id": "ckf2022-8.3",
                "assignee_role": "competent_department", "assignee_org": CENTER, "facts": tech_transfer_facts(),
                "due_working_days": 5})
            assert opened.status_code == 201, opened.text
        task = eventually(lambda: next(iter(entries("review.task.opened")), None), what="the task on the timeline")
        assert task["details"]["due_at"] is None, "2027 is not known yet: no due date is guessed"

        with stack.client("review", "admin", "ops", subject="admin-1") as admin:
            loaded = admin.post("/admin/calendar-schedules", json=YearSchedule.from_file(SCHEDULE_2027).model_dump(mode="json"),
                                headers={"Idempotency-Key": "load-2027"})
        assert loaded.status_code == 201 and loaded.json()["tasks_due_dated"] == 1, loaded.text
        dated = eventually(lambda: next(iter(entries("review.task.due_dated")), None), what="the due date on the timeline")
        # 12-29, 12-30, 12-31, (元旦 1-1, weekend 1-2 and 1-3), 1-4, 1-5: due at the end of Tue 2027-01-05
        assert dated["summary"] == "已载入节假日安排，长治市引进国外智力（专家）服务中心 的待办办理时限确定为截止2027年1月5日"
        assert (dated["role"], dated["actor"]) == ("system", "review"), "told as the system's doing, not the admin's login (ops)"
        assert dated["details"]["loaded_by"] == "admin-1"
        task = entries("review.task.opened")[0]
        assert dt.datetime.fromisoformat(task["details"]["due_at"]) == dt.datetime(2027, 1, 6, tzinfo=BEIJING)
        steps = portal_timeline.open_steps([SimpleNamespace(**{**e, "occurred_at": dt.datetime.fromisoformat(e["occurred_at"])})
                                            for e in enterprise.get(f"/applications/{case_id}/timeline").json()])
        assert [(s.department, s.last_day) for s in steps] == [("长治市引进国外智力（专家）服务中心", dt.date(2027, 1, 5))]

        # The same event again (a relay publishing after a lost confirm, a replayed dead letter), then one due date for a
        # task intake has not seen opened yet, which takes it when it opens; the last event shows the queue went past all.
        review = stack.runtimes["review"]
        with review.db.engine.connect() as conn:
            body = conn.execute(select(review.tables.outbox.c.body)
                                .where(review.tables.outbox.c.event_type == "review.task.due_dated")).scalar_one()
        publish(stack, EventEnvelope.model_validate(json.loads(body)), times=2)
        before = enterprise.get(f"/applications/{case_id}/timeline").json()
        late = dict(task_id="T-LATE", case_id="CASE-LATE", kind="case_review", assignee_role="competent_department",
                    assignee_org=CENTER)
        publish_event(stack, TaskDueDated(**late, due_at=dt.datetime(2027, 1, 6, tzinfo=BEIJING)), producer="review",
                      correlation_id="CASE-LATE")
        publish_event(stack, TaskOpened(**late, title="审核"), producer="review", correlation_id="CASE-LATE")
        timeline = stack.runtimes["intake"].metadata.tables["timeline_entries"]

        def late_opened() -> dict | None:
            with stack.runtimes["intake"].db.engine.connect() as conn:
                return conn.execute(select(timeline.c.details).where(timeline.c.case_id == "CASE-LATE",
                                                                     timeline.c.event_type == "review.task.opened")).scalar()
        late_task = eventually(late_opened, what="the late case's task")
        assert dt.datetime.fromisoformat(late_task["due_at"]) == dt.datetime(2027, 1, 6, tzinfo=BEIJING)
        assert enterprise.get(f"/applications/{case_id}/timeline").json() == before, "the event again changes nothing"
        assert len(before) == 3, "submitted, the task opened, its due date: one line each"
