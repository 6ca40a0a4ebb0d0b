"""Facts of real clauses, and the applicant's and departments' steps, for tests that carry a case
through the system."""
from __future__ import annotations

import httpx

from tests.support.stack import Stack
from tests.support.waiting import eventually

# The two departments that review a 长科发〔2022〕5号 8.3 case in Changzhi, in order (policies/data/routes.yaml).
CENTER = "140400.city_foreign_expert_center"
SCIENCE = "140400.city_science_bureau"


def tech_transfer_facts(receipts_yuan: str = "5000000", project_id: str = "HT-2026-001", year: int = 2026) -> dict:
    """长科发〔2022〕5号 8.3: 5% of the receipts, at most 20万元 per achievement."""
    return {
        "year": year,
        "project_id": project_id,
        "output_party_in_changzhi": True,
        "platform_registered": True,
        "contract_registered_and_recognized": True,
        "converted_with_results": True,
        "financial_management_sound": True,
        "ownership_clear": True,
        "receipts_yuan": receipts_yuan,
    }


JGX = "晋工信新材料规字〔2024〕1号"

# 表1 of 晋工信新材料规字〔2024〕1号 is cited but not given in the seeds. Values invented for tests only:
# 一档 ≥ 100亿 → 100万, 二档 ≥ 300亿 → 200万.
FICTIONAL_TABLE_1 = {
    "table": "表1", "document_number": JGX, "clause_number": "9.1.2",
    "source_note": "测试用表, 数值为测试虚构, 非政策原文",
    "rows": [{"tier": "一档", "min_yuan": "10000000000", "amount_yuan": "1000000"},
             {"tier": "二档", "min_yuan": "30000000000", "amount_yuan": "2000000"}],
}


def open_tasks_for(client: httpx.Client, case_id: str) -> list[dict]:
    return [t for t in client.get("/tasks", params={"status": "open"}).json() if t["case_id"] == case_id]


def decide(stack: Stack, case_id: str, org: str, region: str, *, subject: str, verified_facts: dict | None = None) -> dict:
    with stack.client("review", "competent_department", org, region=region, subject=subject) as officer:
        task = eventually(lambda: open_tasks_for(officer, case_id), what=f"{org}'s task for {case_id}")[0]
        body: dict = {"decision": "approve", "reason": "经核实符合条件"}
        if verified_facts is not None:
            body["verified_facts"] = verified_facts
        decided = officer.post(f"/tasks/{task['id']}/decision", json=body)
    assert decided.status_code == 201, decided.text
    return decided.json()


def apply(stack: Stack, uscc: str, clause_id: str, facts: dict) -> str:
    with stack.client("intake", "enterprise", uscc, region="140400") as client:
        response = client.post("/applications", json={
            "clause_id": clause_id, "facts": facts,
            "applicant": {"uscc": uscc, "name": "长治示例产业链企业", "kind": "enterprise", "region": "140400"},
        })
    assert response.status_code == 201, response.text
    return response.json()["id"]
