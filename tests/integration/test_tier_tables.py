"""A clause that needs a tier table (表1) cannot be determined until an admin loads the table."""
from __future__ import annotations

import pytest

from tests.support.cases import FICTIONAL_TABLE_1, JGX
from tests.support.stack import Stack
from tests.support.tokens import make_uscc

pytestmark = pytest.mark.integration

PROVINCE = "140000.province_industry_dept"


def test_determination_names_the_missing_table_then_computes_once_it_is_loaded(settings, databases):
    uscc = make_uscc()
    with Stack(settings, databases, services=("review",)) as stack:
        with stack.client("review", "workflow", "duixian") as worker:
            task = worker.post("/internal/tasks", json={
                "case_id": "CASE-T1", "kind": "case_determination", "title": "营收进档奖励", "clause_id": "jgx2024-9.1.2",
                "assignee_role": "competent_department", "assignee_org": PROVINCE,
                "facts": {"entity_id": uscc, "year": 2026, "recognition": "chain_leader", "chain_revenue_yuan": "35000000000"},
            }).json()
        with stack.client("review", "competent_department", PROVINCE, region="140000") as officer:
            refused = officer.post(f"/tasks/{task['task_id']}/decision", json={"decision": "approve", "reason": "同意"})
            assert refused.status_code == 409, refused.text
            assert refused.json()["code"] == "data_unavailable" and refused.json()["details"]["table"] == "表1"
            assert "表1" in refused.json()["message"] and JGX in refused.json()["message"]
            assert officer.get(f"/tasks/{task['task_id']}").json()["status"] == "open", "nothing changed"

            with stack.client("review", "competent_department", PROVINCE) as not_admin:
                assert not_admin.post("/admin/tier-tables", json=FICTIONAL_TABLE_1).status_code == 403
            with stack.client("review", "admin", "province-admin") as admin:
                loaded = admin.post("/admin/tier-tables", json=FICTIONAL_TABLE_1)
                assert loaded.status_code == 201 and loaded.json()["version"] == 1
                assert admin.post("/admin/tier-tables", json={**FICTIONAL_TABLE_1, "test_data": True}).status_code == 422
            assert [t["table"]["table"] for t in officer.get("/tier-tables").json()] == ["表1"]

            decided = officer.post(f"/tasks/{task['task_id']}/decision", json={"decision": "approve", "reason": "同意"})
            assert decided.status_code == 201, decided.text
            determination = decided.json()["determination"]
        # 350亿 reaches 二档 of the loaded 表1 → 200万元, the highest tier only
        assert determination["amount_fen"] == 200_000_000 and determination["tier"] == "二档"
