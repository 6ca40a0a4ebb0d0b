"""Driving a referral project (9.2.1) through the stack, as the chain_leader and the department do."""
from __future__ import annotations

from infra.clock import beijing_today
from tests.support.stack import Stack
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually

PROVINCE = "140000.province_industry_dept"


def register(stack: Stack, referrer: str, *, planned_fai_yuan: str, investee: str | None = None,
             project_code: str = "2026-140400-00-00-000001", expect: int = 201) -> dict:
    with stack.client("intake", "enterprise", referrer, region="140400") as client:
        response = client.post("/referral-projects", json={
            "referrer_name": f"链主企业{referrer[-4:]}",
            "investee": {"uscc": investee or make_uscc(), "name": "引进配套企业", "kind": "enterprise", "region": "140400"},
            "project_code": project_code, "project_name": "光伏组件配套项目", "chain_id": "cz_photovoltaic",
            "planned_fai_yuan": planned_fai_yuan,
        })
    assert response.status_code == expect, response.text
    return response.json()


def report(stack: Stack, referrer: str, project_id: str, *, completed: str, complete: bool, production: bool) -> None:
    with stack.client("intake", "enterprise", referrer, region="140400") as client:
        response = client.post(f"/referral-projects/{project_id}/progress", json={
            "completed_fai_yuan": completed, "investment_complete": complete, "in_production": production,
            "as_of": beijing_today().isoformat(), "note": "附投资凭证与投产证明"})
    assert response.status_code == 201, response.text


def approve_next(stack: Stack, project_id: str, officer: str = "province-officer") -> dict:
    """The department verifies the report and determines the phase; returns the determination."""
    with stack.client("review", "competent_department", PROVINCE, region="140000", subject=officer) as client:
        def waiting() -> list:
            return [t for t in client.get("/tasks", params={"status": "open"}).json() if t["case_id"] == project_id]
        task = eventually(waiting, what=f"a determination task for {project_id}")[0]
        decided = client.post(f"/tasks/{task['id']}/decision", json={"decision": "approve", "reason": "投资与投产情况属实"})
    assert decided.status_code == 201, decided.text
    return decided.json()["determination"]


def plans(stack: Stack, case_id: str) -> list[dict]:
    with stack.client("payout", "auditor", "audit-office") as client:
        return client.get("/payout-plans", params={"case_id": case_id}).json()


def project_and_timeline(stack: Stack, referrer: str, project_id: str) -> tuple[dict, list[dict]]:
    with stack.client("intake", "enterprise", referrer, region="140400") as client:
        return client.get(f"/referral-projects/{project_id}").json(), client.get(f"/referral-projects/{project_id}/timeline").json()
