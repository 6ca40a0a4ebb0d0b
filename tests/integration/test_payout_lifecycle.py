"""A stage's lifecycle over HTTP: four-eyes approval, disbursement, failure and retry, clawback, add-stage,
prior awards; every change balanced in the journal and announced by its event."""
from __future__ import annotations

import pytest

from infra.clock import beijing_today
from tests.support.payout import events, finance, journal_balanced, open_plan_body, recipient, replay_matches, table_rows
from tests.support.stack import Stack

pytestmark = pytest.mark.integration
TODAY = beijing_today().isoformat()  # a disbursement is never dated in the future

WORKFLOW_KEY = {"Idempotency-Key": "wf/open-plan"}


def _open(stack: Stack, body: dict) -> dict:
    with stack.client("payout", "workflow", "duixian") as wf:
        response = wf.post("/internal/payout-plans", json=body)
        assert response.status_code == 201, response.text
        plan = wf.get(f"/payout-plans/{response.json()['plan_id']}").json()
    return plan


def test_preparer_cannot_approve_and_another_official_can(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        plan = _open(stack, open_plan_body())
        stage_id = plan["stages"][0]["id"]
        with finance(stack, "zhang") as zhang, finance(stack, "li") as li:
            early = li.post(f"/payout-stages/{stage_id}/approval")
            assert early.status_code == 409 and "status" in early.json()["message"]
            assert zhang.post(f"/payout-stages/{stage_id}/preparation").status_code == 201
            own = zhang.post(f"/payout-stages/{stage_id}/approval", headers={"Idempotency-Key": "k-own"})
            assert own.status_code == 403 and own.json()["code"] == "four_eyes"
            assert "四眼原则" in own.json()["message"]
            assert table_rows(stack, "journal_entries") == [] and events(stack, "payout.stage.approved") == []
            approved = li.post(f"/payout-stages/{stage_id}/approval", headers={"Idempotency-Key": "k-li"})
            assert approved.status_code == 201, approved.text
            assert approved.json()["status"] == "approved" and approved.json()["approved_by"].startswith("li@")
            listed = li.get("/payout-stages", params={"status": "approved"}).json()
            assert [s["id"] for s in listed] == [stage_id]
        [event] = events(stack, "payout.stage.approved")
        assert event["payload"]["stage_id"] == stage_id and event["correlation"] == plan["case_id"]
        assert event["payload"]["plan_status"] == "open" and event["payload"]["amount_fen"] == 10_000_000
        assert journal_balanced(stack) and replay_matches(stack)


def test_disburse_fail_retry_and_claw_back_a_paid_stage(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        who = recipient()
        plan = _open(stack, open_plan_body(who))
        stage_id = plan["stages"][0]["id"]
        paid = {"bank_reference": "CCB-2026-0001", "disbursed_on": TODAY}
        with finance(stack, "zhang") as zhang, finance(stack, "li") as li:
            unapproved = li.post(f"/payout-stages/{stage_id}/disbursement", json=paid)
            assert unapproved.status_code == 409 and "不能登记拨付" in unapproved.json()["message"]
            zhang.post(f"/payout-stages/{stage_id}/preparation")
            li.post(f"/payout-stages/{stage_id}/approval")
            failed = zhang.post(f"/payout-stages/{stage_id}/failure", json={"reason": "收款账户已销户"})
            assert failed.status_code == 201 and failed.json()["status"] == "failed"
            retried = zhang.post(f"/payout-stages/{stage_id}/retry")
            assert retried.json()["status"] == "approved" and retried.json()["attempts"] == 1
            done = zhang.post(f"/payout-stages/{stage_id}/disbursement", json=paid)
            assert done.status_code == 201 and done.json()["bank_reference"] == "CCB-2026-0001"
            assert done.json()["plan_status"] == "completed"
            with stack.client("payout", "workflow", "duixian") as wf:
                assert [a["amount_fen"] for a in wf.get("/internal/prior-awards",
                                                        params={"entity_id": who["uscc"]}).json()] == [10_000_000]
            clawed = li.post(f"/payout-stages/{stage_id}/clawback", json={"reason": "异议成立, 项目不符合条件"})
            assert clawed.status_code == 201, clawed.text
            assert clawed.json()["status"] == "clawed_back" and clawed.json()["recovered_fen"] == 10_000_000
            again = li.post(f"/payout-stages/{stage_id}/clawback", json={"reason": "再次追回"})
            assert again.status_code == 409
            with stack.client("payout", "workflow", "duixian") as wf:
                assert wf.get("/internal/prior-awards", params={"entity_id": who["uscc"]}).json() == []
        [disbursed] = events(stack, "payout.stage.disbursed")
        assert disbursed["payload"]["bank_reference"] == "CCB-2026-0001" and disbursed["payload"]["plan_status"] == "completed"
        [failure] = events(stack, "payout.stage.failed")
        assert failure["payload"]["reason"] == "收款账户已销户"
        [clawback] = events(stack, "payout.stage.clawed_back")
        assert clawback["payload"]["recovered_fen"] == 10_000_000 and clawback["payload"]["plan_status"] == "clawed_back"
        kinds = sorted(e.kind for e in table_rows(stack, "journal_entries"))
        assert kinds == ["approval", "clawback", "disbursement"]
        balances = {a.code: a.balance_fen for a in table_rows(stack, "ledger_accounts")}
        assert balances[f"recovery:{who['uscc']}"] == 10_000_000 and balances["bank"] == -10_000_000
        assert balances[f"payable:{who['uscc']}"] == 0
        assert journal_balanced(stack) and replay_matches(stack)


def test_add_stage_appends_a_phase_and_counts_it_against_the_caps(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        body = open_plan_body(amount_fen=15_000_000, project_id="HT-ADD-1")
        plan = _open(stack, body)
        with stack.client("payout", "workflow", "duixian") as wf:
            det = {"clause_id": "ckf2022-8.3", "amount_fen": 5_000_000, "project_id": "HT-ADD-1",
                   "citation": {"document_number": "长科发〔2022〕5号", "clause_number": "8.3"}}
            added = wf.post(f"/internal/payout-plans/{plan['id']}/stages", json={"plan_id": plan["id"], "determination": det},
                            headers={"Idempotency-Key": "wf/add-1"})
            assert added.status_code == 201 and added.json()["total_fen"] == 20_000_000
            over = wf.post(f"/internal/payout-plans/{plan['id']}/stages",
                           json={"plan_id": plan["id"], "determination": {**det, "amount_fen": 1}})
            assert over.status_code == 409 and over.json()["details"]["cap"] == "per_achievement"
            assert "单个科技成果最高补助20万元" in over.json()["message"]
            unknown = wf.post(f"/internal/payout-plans/{plan['id']}/stages",
                              json={"plan_id": plan["id"], "determination": {**det, "clause_id": "nope-1"}})
            assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "determination.clause_id"
            stages = wf.get(f"/payout-plans/{plan['id']}").json()["stages"]
        assert [s["amount_fen"] for s in stages] == [15_000_000, 5_000_000]
        [event] = events(stack, "payout.stage.added")
        assert event["payload"]["sequence"] == 2 and event["correlation"] == plan["case_id"]


def test_a_reused_idempotency_key_with_another_body_is_refused_and_writes_nothing(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        stage_id = _open(stack, open_plan_body())["stages"][0]["id"]
        with finance(stack, "zhang") as zhang, finance(stack, "li") as li:
            zhang.post(f"/payout-stages/{stage_id}/preparation")
            li.post(f"/payout-stages/{stage_id}/approval")
            key = {"Idempotency-Key": "batch-1/row-7"}
            first = zhang.post(f"/payout-stages/{stage_id}/disbursement",
                               json={"bank_reference": "R-1", "disbursed_on": TODAY}, headers=key)
            same = zhang.post(f"/payout-stages/{stage_id}/disbursement",
                              json={"bank_reference": "R-1", "disbursed_on": TODAY}, headers=key)
            other = zhang.post(f"/payout-stages/{stage_id}/disbursement",
                               json={"bank_reference": "R-2", "disbursed_on": TODAY}, headers=key)
        assert first.status_code == same.status_code == 201 and same.json() == first.json()
        assert same.headers["Idempotent-Replay"] == "true"
        assert other.status_code == 409 and "幂等键" in other.json()["message"]
        assert sum(1 for e in table_rows(stack, "journal_entries") if e.kind == "disbursement") == 1
