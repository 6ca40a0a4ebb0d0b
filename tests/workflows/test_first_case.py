"""The first case across every path: intake → bridge → workflow → review (two departments, in
order) → determination with its cap → payout plan; status and timeline readable at intake."""
from __future__ import annotations

import httpx
import pytest

from tests.support.cases import CENTER, SCIENCE, tech_transfer_facts
from tests.support.finance import pay_open_stages
from tests.support.stack import Stack
from tests.support.temporal import TemporalHarness
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually

pytestmark = pytest.mark.workflow

def open_tasks(client: httpx.Client) -> list[dict]:
    return client.get("/tasks", params={"status": "open"}).json()


def submit(stack: Stack, uscc: str, receipts: str = "5000000") -> str:
    with stack.client("intake", "enterprise", uscc, region="140400") as client:
        response = client.post("/applications", json={
            "clause_id": "ckf2022-8.3",
            "applicant": {"uscc": uscc, "name": "长治示例科技有限公司", "kind": "enterprise", "region": "140400"},
            "facts": tech_transfer_facts(receipts),
        })
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_application_is_reviewed_in_order_determined_with_its_cap_and_paid(settings, databases):
    uscc = make_uscc()
    with Stack(settings, databases) as stack, TemporalHarness(stack.settings) as temporal:
        case_id = submit(stack, uscc)
        with stack.client("review", "competent_department", CENTER, region="140400", subject="center-officer") as center:
            task = eventually(lambda: open_tasks(center), what="the registration centre's task")[0]
            assert task["case_id"] == case_id and task["kind"] == "case_review" and task["due_at"]
            decided = center.post(f"/tasks/{task['id']}/decision", json={"decision": "approve", "reason": "合同已登记"})
            assert decided.status_code == 201 and decided.json()["determination"] is None
        with stack.client("review", "competent_department", SCIENCE, region="140400", subject="science-officer") as science:
            task = eventually(lambda: open_tasks(science), what="the science bureau's determination task")[0]
            assert task["kind"] == "case_determination"
            decided = science.post(f"/tasks/{task['id']}/decision", json={"decision": "approve", "reason": "符合条件"})
            assert decided.status_code == 201, decided.text
            determination = decided.json()["determination"]
        # 5% × 5,000,000 = 250,000 yuan, above the 200,000 yuan cap per achievement → 200,000.00
        assert determination["amount_fen"] == 20_000_000
        assert determination["capped_by"] and determination["citation"]["document_number"] == "长科发〔2022〕5号"

        with stack.client("intake", "enterprise", uscc, region="140400") as applicant:
            status = eventually(lambda: applicant.get(f"/applications/{case_id}").json()["status"] == "payout_planned"
                                and applicant.get(f"/applications/{case_id}").json(), what="intake to see the plan")
            assert status["status_label"] == "已建立拨付计划"
            assert temporal.status(case_id) == "payout_planned"
            pay_open_stages(stack, case_id)
            outcome = temporal.result(case_id)
            assert outcome["status"] == "completed" and outcome["amount_fen"] == 20_000_000 == outcome["disbursed_fen"]
            eventually(lambda: applicant.get(f"/applications/{case_id}").json()["status"] == "completed",
                       what="intake to see the case paid")
            timeline = applicant.get(f"/applications/{case_id}/timeline").json()
        assert [e["event_type"] for e in timeline] == [
            "intake.application.submitted",
            "review.task.opened", "review.decision.recorded",
            "review.task.opened", "review.decision.recorded",
            "payout.plan.opened", "payout.stage.approved", "payout.stage.disbursed",
        ]
        assert [e["actor"] for e in timeline][2] == "长治市引进国外智力（专家）服务中心", "the department, not the officer's id"
        with stack.client("payout", "city_finance_bureau", "140400.city_finance_bureau", region="140400") as finance:
            plans = finance.get("/payout-plans", params={"case_id": case_id}).json()
        assert len(plans) == 1 and plans[0]["total_fen"] == 20_000_000 and plans[0]["recipient"]["uscc"] == uscc
        assert plans[0]["citation"]["clause_number"] == "8.3" and [s["amount_fen"] for s in plans[0]["stages"]] == [20_000_000]


def test_whoever_reviewed_a_case_cannot_also_determine_it(settings, databases):
    uscc = make_uscc()
    with Stack(settings, databases) as stack, TemporalHarness(stack.settings):
        case_id = submit(stack, uscc, receipts="1000000")
        with stack.client("review", "competent_department", CENTER, region="140400", subject="same-person") as center:
            task = eventually(lambda: open_tasks(center), what="the review task")[0]
            assert center.post(f"/tasks/{task['id']}/decision", json={"decision": "approve", "reason": "合同已登记"}).status_code == 201
        with stack.client("review", "competent_department", SCIENCE, region="140400", subject="same-person") as same, \
                stack.client("review", "competent_department", SCIENCE, region="140400", subject="other-person") as other:
            task = eventually(lambda: open_tasks(same), what="the determination task")[0]
            refused = same.post(f"/tasks/{task['id']}/decision", json={"decision": "approve", "reason": "同意"})
            assert refused.status_code == 403 and refused.json()["code"] == "four_eyes"
            assert same.get(f"/tasks/{task['id']}").json()["status"] == "open", "the refusal changed nothing"
            accepted = other.post(f"/tasks/{task['id']}/decision", json={"decision": "approve", "reason": "同意"})
            assert accepted.status_code == 201 and accepted.json()["determination"]["amount_fen"] == 5_000_000
        assert case_id


def test_a_rejection_ends_the_case_without_a_payout_plan(settings, databases):
    uscc = make_uscc()
    with Stack(settings, databases) as stack, TemporalHarness(stack.settings) as temporal:
        case_id = submit(stack, uscc)
        with stack.client("review", "competent_department", CENTER, region="140400") as center:
            task = eventually(lambda: open_tasks(center), what="the review task")[0]
            center.post(f"/tasks/{task['id']}/decision", json={"decision": "reject", "reason": "合同未经登记"})
        outcome = temporal.result(case_id)
        assert outcome["status"] == "rejected" and outcome["reason"] == "合同未经登记"
        with stack.client("intake", "enterprise", uscc) as applicant:
            eventually(lambda: applicant.get(f"/applications/{case_id}").json()["status"] == "rejected", what="rejected")
        with stack.client("payout", "auditor", "audit-office") as auditor:
            assert auditor.get("/payout-plans", params={"case_id": case_id}).json() == []
