"""What an official's pages read from the services: the application's departments open its materials at intake
(another city's official, or an enterprise that is not the applicant, gets 404); review counts open and overdue
tasks per department in the caller's scope and gives one task's case file: the earlier decisions of the case,
the four-eyes rule as it applies to the caller, the calculator's determination on the facts as they stand."""
from __future__ import annotations

import base64
import datetime as dt
import uuid

import pytest
from sqlmodel import Session

from infra.clock import utcnow
from services.review.adapters.orm import Task
from tests.support.cases import CENTER, SCIENCE, tech_transfer_facts
from tests.support.stack import Stack
from tests.support.tokens import make_uscc

pytestmark = pytest.mark.integration

PDF_BYTES = b"%PDF-1.4\n% case file\n"
OFFICER = "competent_department"


def _apply_with_material(stack: Stack, uscc: str) -> tuple[str, str]:
    with stack.client("intake", "enterprise", uscc, region="140400") as client:
        created = client.post("/applications", json={
            "clause_id": "ckf2022-8.3", "facts": tech_transfer_facts(),
            "applicant": {"uscc": uscc, "name": "长治案卷示例有限公司", "kind": "enterprise", "region": "140400"},
            "materials": [{"filename": "技术合同.pdf", "content_type": "application/pdf",
                           "content_base64": base64.b64encode(PDF_BYTES).decode()}]})
    assert created.status_code == 201, created.text
    return created.json()["id"], created.json()["materials"][0]["file_id"]


def test_the_departments_on_an_applications_route_open_its_materials_and_nobody_else(settings, databases):
    uscc = make_uscc()
    with Stack(settings, databases, services=("intake",)) as stack:
        case_id, file_id = _apply_with_material(stack, uscc)
        path = f"/applications/{case_id}/materials/{file_id}"
        with stack.client("intake", OFFICER, CENTER, region="140400", subject="center-officer-1") as center:
            assert center.get(f"/applications/{case_id}").json()["materials"][0]["file_id"] == file_id
            downloaded = center.get(path)
        assert downloaded.status_code == 200 and downloaded.content == PDF_BYTES
        assert downloaded.headers["content-type"] == "application/pdf"
        assert "filename*=UTF-8''%E6%8A%80%E6%9C%AF%E5%90%88%E5%90%8C.pdf" in downloaded.headers["content-disposition"]
        with stack.client("intake", "enterprise", uscc, region="140400") as applicant:
            assert applicant.get(path).content == PDF_BYTES
            assert applicant.get(f"/applications/{case_id}/materials/MAT-NOPE").status_code == 404
        with stack.client("intake", OFFICER, "140900.city_foreign_expert_center", region="140900") as elsewhere:
            assert elsewhere.get(path).status_code == 404, "another city's centre is not on this case's route"
            assert elsewhere.get(f"/applications/{case_id}").status_code == 404
        with stack.client("intake", "enterprise", make_uscc(), region="140400") as stranger:
            assert stranger.get(path).status_code == 404


def _task(case_id: str, organisation: str, kind: str, *, due_in: dt.timedelta | None = None, status: str = "open",
          closed: dt.datetime | None = None) -> Task:
    now = utcnow()
    return Task(id=f"TASK-{uuid.uuid4().hex[:10]}", case_id=case_id, kind=kind, title=f"{kind} 测试", clause_id="ckf2022-8.3",
                assignee_role=OFFICER, assignee_org=organisation, facts={**tech_transfer_facts(), "entity_id": make_uscc()}, status=status,
                opened_by="workflow", opened_at=now - dt.timedelta(days=3),
                due_at=None if due_in is None else now + due_in, closed_at=closed)


def test_counts_per_department_in_scope_and_a_case_file_with_earlier_decisions_four_eyes_and_the_calculator(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack:
        case_id = f"APP-{uuid.uuid4().hex[:8]}"
        review = _task(case_id, CENTER, "case_review")
        determination = _task(case_id, SCIENCE, "case_determination", due_in=-dt.timedelta(hours=2))
        other_late = _task(f"APP-{uuid.uuid4().hex[:8]}", SCIENCE, "case_review", due_in=-dt.timedelta(days=1))
        other_in_time = _task(f"APP-{uuid.uuid4().hex[:8]}", SCIENCE, "case_review", due_in=dt.timedelta(days=4))
        elsewhere = _task(f"APP-{uuid.uuid4().hex[:8]}", "140900.city_science_bureau", "case_review", due_in=-dt.timedelta(days=1))
        with Session(stack.runtimes["review"].db.engine, expire_on_commit=False) as session:
            session.add_all([review, determination, other_late, other_in_time, elsewhere])
            session.commit()
        with stack.client("review", OFFICER, CENTER, region="140400", subject="same-person") as center:
            decided = center.post(f"/tasks/{review.id}/decision", json={"decision": "approve", "reason": "登记属实"})
            assert decided.status_code == 201, decided.text
        with stack.client("review", OFFICER, SCIENCE, region="140400", subject="science-officer-1") as science:
            counts = science.get("/tasks/counts").json()
            file = science.get(f"/tasks/{determination.id}/case-file").json()
            assert science.get(f"/tasks/{review.id}/case-file").status_code == 404, "another department's task"
        assert counts == [{"assignee_org": SCIENCE, "assignee_role": OFFICER, "open": 3, "overdue": 2}]
        assert file["task"]["id"] == determination.id and file["kind_label"] == "核定"
        assert [(t["id"], t["decision"]["reason"]) for t in file["earlier"]] == [(review.id, "登记属实")]
        assert file["four_eyes_applies"] and not file["four_eyes_blocks_caller"] and file["may_supplement"]
        assert "另一名工作人员" in file["four_eyes_rule"]
        preview = file["calculator"]["determination"]
        assert preview["amount_fen"] == 20_000_000 and preview["citation"]["document_number"] == "长科发〔2022〕5号"
        # The same person who reviewed (were they also in the bureau) would be told before trying.
        with stack.client("review", OFFICER, SCIENCE, region="140400", subject="same-person") as same:
            assert same.get(f"/tasks/{determination.id}/case-file").json()["four_eyes_blocks_caller"] is True
            refused = same.post(f"/tasks/{determination.id}/decision", json={"decision": "approve", "reason": "同意"})
            assert refused.status_code == 403 and "四眼原则" in refused.json()["message"]


def test_expert_pools_are_listed_for_admins_only(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack:
        with stack.client("review", "admin", "ops", subject="admin-1") as admin:
            loaded = admin.post("/admin/expert-pools", json={
                "chain_id": "cz_steel_deep_processing", "panel_size": 3, "quorum": 2, "source_note": "测试专家库",
                "experts": [{"expert_id": f"exp-{i}", "name": f"专家{i}"} for i in range(4)]})
            assert loaded.status_code == 201, loaded.text
            pools = admin.get("/admin/expert-pools").json()
        assert [(p["chain_id"], p["experts"], p["panel_size"], p["quorum"]) for p in pools] == [("cz_steel_deep_processing", 4, 3, 2)]
        assert pools[0]["loaded_by"] == "admin-1" and pools[0]["loaded_at"]
        with stack.client("review", "enterprise", make_uscc()) as enterprise:
            assert enterprise.get("/admin/expert-pools").status_code == 403
