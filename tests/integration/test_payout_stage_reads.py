"""What the portal's finance and enterprise pages read at payout: one stage, a case's stages, the loaded
cost shares; a recipient sees the finance department that pays it, never the officials' ids."""
from __future__ import annotations

import pytest

from infra.clock import beijing_today
from tests.support.payout import finance, open_plan_body, recipient
from tests.support.stack import Stack

pytestmark = pytest.mark.integration
TODAY = beijing_today().isoformat()


def _open(stack: Stack, body: dict) -> str:
    with stack.client("payout", "workflow", "duixian") as wf:
        opened = wf.post("/internal/payout-plans", json=body)
        assert opened.status_code == 201, opened.text
        return wf.get(f"/payout-plans/{opened.json()['plan_id']}").json()["stages"][0]["id"]


def _paid(stack: Stack, stage_id: str) -> None:
    with finance(stack, "zhang") as zhang, finance(stack, "li") as li:
        assert zhang.post(f"/payout-stages/{stage_id}/preparation").status_code == 201
        assert li.post(f"/payout-stages/{stage_id}/approval").status_code == 201
        paid = zhang.post(f"/payout-stages/{stage_id}/disbursement", json={"bank_reference": f"B-{stage_id}",
                                                                            "disbursed_on": TODAY})
        assert paid.status_code == 201, paid.text


def test_stages_are_listed_by_case_and_one_stage_is_read_in_scope(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        first, second = open_plan_body(), open_plan_body()
        first_stage, second_stage = _open(stack, first), _open(stack, second)
        with finance(stack, "zhang") as zhang:
            listed = zhang.get("/payout-stages", params={"case_id": first["case_id"]})
            one = zhang.get(f"/payout-stages/{second_stage}")
            unknown = zhang.get("/payout-stages", params={"case_id": "CASE-NONE"})
        assert listed.status_code == 200 and [s["id"] for s in listed.json()] == [first_stage]
        assert unknown.status_code == 200 and unknown.json() == []
        assert one.status_code == 200 and one.json()["case_id"] == second["case_id"] and one.json()["status"] == "pending"
        assert one.json()["finance_department_zh"] == "长治市财政局", "an unapproved stage: the recipient's city fund"
        with finance(stack, "zhao", region="140900") as elsewhere:
            assert elsewhere.get(f"/payout-stages/{second_stage}").status_code == 404, "another city's stage is not shown"
            assert elsewhere.get("/payout-stages", params={"case_id": first["case_id"]}).json() == []
        with finance(stack, "zhang") as zhang:
            assert zhang.get("/payout-stages", params={"case_id": ""}).status_code == 422


def test_a_recipient_sees_the_finance_department_and_never_the_officials_ids(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        who = recipient("140400")
        body = open_plan_body(who)
        stage_id = _open(stack, body)
        _paid(stack, stage_id)
        with finance(stack, "wang") as wang:
            seen_by_finance = wang.get(f"/payout-stages/{stage_id}").json()
        assert seen_by_finance["prepared_by"].startswith("zhang@") and seen_by_finance["approved_by"].startswith("li@")
        with stack.client("payout", "enterprise", who["uscc"], region="140400", subject=who["uscc"]) as enterprise:
            one = enterprise.get(f"/payout-stages/{stage_id}")
            listed = enterprise.get("/payout-stages", params={"case_id": body["case_id"]})
            history = enterprise.get(f"/finance/recipients/{who['uscc']}/history")
        with stack.client("payout", "enterprise", recipient("140400")["uscc"], region="140400") as another:
            assert another.get(f"/payout-stages/{stage_id}").status_code == 404
        for answer in (one, listed, history):
            assert answer.status_code == 200, answer.text
            assert "zhang@" not in answer.text and "li@" not in answer.text and "wang@" not in answer.text
        assert one.json()["status"] == "disbursed" and one.json()["finance_department_zh"] == "长治市财政局"
        assert one.json()["prepared_by"] is None and one.json()["approved_by"] is None
        assert [s["id"] for s in listed.json()] == [stage_id]
        assert {e["posted_by"] for e in history.json()["journal"]} == {"长治市财政局"}
        assert history.json()["approved_fen"] == history.json()["disbursed_fen"] == 10_000_000


def test_loaded_cost_shares_are_listed_for_the_counties_in_scope(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        with finance(stack, "chen") as chen:
            loaded = chen.post("/finance/cost-shares", json={"clause_id": "cbf2020-13-sme", "county": "140423",
                                                               "city_share_bp": 6000})
            assert loaded.status_code == 201, loaded.text
            mine = chen.get("/finance/cost-shares").json()
        assert [(s["clause_id"], s["county"], s["city_share_bp"]) for s in mine] == [("cbf2020-13-sme", "140423", 6000)]
        with finance(stack, "zhao", "county_finance", "140423") as county, \
                finance(stack, "qian", "county_finance", "140425") as other_county:
            assert [s["county"] for s in county.get("/finance/cost-shares").json()] == ["140423"]
            assert other_county.get("/finance/cost-shares").json() == []
        with stack.client("payout", "enterprise", recipient()["uscc"]) as enterprise:
            assert enterprise.get("/finance/cost-shares").status_code == 403
