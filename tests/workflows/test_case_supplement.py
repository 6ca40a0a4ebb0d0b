"""A department asks the applicant for a supplement (补正): the case waits with its clock stopped,
the applicant resubmits, and the same step reopens with the resubmitted facts and the working days
it had left (长科发〔2022〕5号 8.3 as the example clause)."""
from __future__ import annotations

import pytest

from tests.support.cases import CENTER, SCIENCE, apply, decide, open_tasks_for, tech_transfer_facts
from tests.support.stack import Stack
from tests.support.temporal import TemporalHarness
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually

pytestmark = pytest.mark.workflow

def test_a_supplement_request_waits_for_the_applicant_and_reopens_the_step_with_the_new_facts(settings, databases):
    uscc = make_uscc()
    with Stack(settings, databases) as stack, TemporalHarness(stack.settings) as temporal:
        case_id = apply(stack, uscc, "ckf2022-8.3", tech_transfer_facts("5000000"))
        with stack.client("review", "competent_department", CENTER, region="140400", subject="center-officer") as center:
            first = eventually(lambda: open_tasks_for(center, case_id), what="the centre's task")[0]
            refused = center.post(f"/tasks/{first['id']}/decision", json={"decision": "supplement", "reason": "材料不全"})
            assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "missing_items"
            assert center.get(f"/tasks/{first['id']}").json()["status"] == "open", "the refusal changed nothing"
            asked = center.post(f"/tasks/{first['id']}/decision", json={
                "decision": "supplement", "reason": "技术合同登记材料不全",
                "missing_items": ["技术合同登记证明", "技术交易收入凭证"]})
            assert asked.status_code == 201, asked.text
            assert asked.json()["missing_items"] == ["技术合同登记证明", "技术交易收入凭证"]

        eventually(lambda: temporal.status(case_id) == "supplement_requested", what="the case to wait for the applicant")
        with stack.client("intake", "enterprise", uscc, region="140400") as applicant:
            waiting = eventually(lambda: (a := applicant.get(f"/applications/{case_id}").json())["status"]
                                 == "supplement_requested" and a, what="intake to show 待补正")
            assert waiting["status_label"] == "待补正"
            timeline = applicant.get(f"/applications/{case_id}/timeline").json()
            assert "技术合同登记证明" in timeline[-1]["summary"] and "技术交易收入凭证" in timeline[-1]["summary"]

            with stack.client("intake", "enterprise", make_uscc(), region="140400") as stranger:
                assert stranger.post(f"/applications/{case_id}/supplements", json={"note": "x"}).status_code == 404
            bad = applicant.post(f"/applications/{case_id}/supplements", json={"facts": {"receipts_yuan": "abc"}})
            assert bad.status_code == 422 and bad.json()["errors"][0]["field"].startswith("facts.")
            resubmitted = applicant.post(f"/applications/{case_id}/supplements", json={
                "facts": tech_transfer_facts("3000000"), "note": "已补充合同登记证明与收入凭证；收入更正为300万元"})
            assert resubmitted.status_code == 201, resubmitted.text
            assert resubmitted.json()["status"] == "under_review"
            again = applicant.post(f"/applications/{case_id}/supplements", json={"note": "重复提交"})
            assert again.status_code == 409, "nothing is waiting for a supplement any more"

        with stack.client("review", "competent_department", CENTER, region="140400", subject="center-officer") as center:
            reopened = eventually(lambda: open_tasks_for(center, case_id), what="the step to reopen")[0]
            assert reopened["id"] != first["id"] and "补正后" in reopened["title"]
            assert reopened["facts"]["receipts_yuan"] == "3000000"
            # asked and resubmitted the same day: the step keeps every working day it had left
            assert reopened["due_at"] == first["due_at"]
            approved = center.post(f"/tasks/{reopened['id']}/decision", json={"decision": "approve", "reason": "材料已补齐"})
            assert approved.status_code == 201, approved.text
        # the officer who asked for the supplement decided nothing on the merits: four-eyes still lets the
        # science bureau determine; 5% × 3,000,000 = 150,000 yuan, under the 200,000 cap
        determination = decide(stack, case_id, SCIENCE, "140400", subject="science-officer")["determination"]
        assert determination["amount_fen"] == 15_000_000 and determination["capped_by"] is None
        eventually(lambda: temporal.status(case_id) == "payout_planned", what="the plan to open")
