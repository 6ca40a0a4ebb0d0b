"""An application and its 补正 carry materials (PDF, PNG, JPEG; intake's limits), and a case's timeline names
the department a step waits at in Chinese, with the task's due date, for the applicant's 我的申报."""
from __future__ import annotations

import base64

import pytest

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
