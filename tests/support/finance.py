"""The finance bureau's part of a case, over HTTP as its staff do it: one officer prepares each
stage, another approves it, and the bank's payment is recorded with its reference."""
from __future__ import annotations

import uuid
from datetime import date

from infra.clock import beijing_today
from tests.support.stack import Stack
from tests.support.waiting import eventually

FINANCE_ORG = "140400.city_finance_bureau"
FINANCE_REGION = "140400"


def plan_of(stack: Stack, case_id: str, *, stages: int = 1) -> dict:
    """The case's payout plan once the ledger holds at least `stages` stages."""
    def ready() -> dict | None:
        with stack.client("payout", "auditor", "audit-office") as auditor:
            plans = auditor.get("/payout-plans", params={"case_id": case_id}).json()
        return plans[0] if plans and len(plans[0]["stages"]) >= stages else None

    return eventually(ready, what=f"a payout plan with {stages} stage(s) for {case_id}")


def pay_open_stages(stack: Stack, case_id: str, *, stages: int = 1, org: str = FINANCE_ORG, region: str = FINANCE_REGION,
                    on: date | None = None) -> list[dict]:
    """Prepare, approve (another person) and record the disbursement of every stage not yet paid."""
    plan = plan_of(stack, case_id, stages=stages)
    paid = []
    with stack.client("payout", "city_finance_bureau", org, region=region, subject="finance-preparer") as preparer, \
            stack.client("payout", "city_finance_bureau", org, region=region, subject="finance-approver") as approver:
        for stage in plan["stages"]:
            if stage["status"] == "disbursed":
                continue
            prepared = preparer.post(f"/payout-stages/{stage['id']}/preparation", json={})
            assert prepared.status_code in (200, 201), prepared.text
            approved = approver.post(f"/payout-stages/{stage['id']}/approval", json={})
            assert approved.status_code in (200, 201), approved.text
            disbursed = preparer.post(f"/payout-stages/{stage['id']}/disbursement", json={
                "bank_reference": f"BANK-{uuid.uuid4().hex[:12].upper()}", "disbursed_on": (on or beijing_today()).isoformat()})
            assert disbursed.status_code in (200, 201), disbursed.text
            paid.append(disbursed.json())
    return paid
