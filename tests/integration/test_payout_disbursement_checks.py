"""A recorded disbursement is one real bank transfer: its reference (银行流水号) pays one stage of a fund, once,
whatever races; its date is not in the future and lies within the stage's budget year ± the configured window."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from infra.clock import beijing_today
from tests.support.payout import approved_stage, events, finance, journal_balanced, open_plan_body, recipient, replay_matches, table_rows
from tests.support.stack import Stack

pytestmark = pytest.mark.integration


def _paid(reference: str, on: date | None = None) -> dict:
    return {"bank_reference": reference, "disbursed_on": (on or beijing_today()).isoformat()}


def _disbursement_entries(stack: Stack) -> list[str]:
    return [e.stage_id for e in table_rows(stack, "journal_entries") if e.kind == "disbursement"]


def test_a_bank_reference_pays_one_stage_of_a_fund_and_is_refused_on_any_other(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        first = approved_stage(stack)
        second = approved_stage(stack, open_plan_body(recipient("140423")))
        third = approved_stage(stack, open_plan_body(recipient("140425")))      # another county, same city fund
        elsewhere = approved_stage(stack, open_plan_body(recipient("140925")))  # Xinzhou: another city's fund
        with finance(stack, "wang") as wang:
            paid = wang.post(f"/payout-stages/{first}/disbursement", json=_paid("ICBC-2026-0042"))
            assert paid.status_code == 201, paid.text
            taken = wang.post(f"/payout-stages/{second}/disbursement", json=_paid("ICBC-2026-0042"))
            spelt_otherwise = wang.post(f"/payout-stages/{second}/disbursement", json=_paid(" icbc-2026-００42 "))
            # recording the same disbursement again on its own stage stays idempotent
            again = wang.post(f"/payout-stages/{first}/disbursement", json=_paid("ICBC-2026-0042"))
        with finance(stack, "zhao", "county_finance", "140425") as county:
            out_of_scope = county.post(f"/payout-stages/{third}/disbursement", json=_paid("ICBC-2026-0042"))
        with finance(stack, "qian", region="140900") as xinzhou:
            other_fund = xinzhou.post(f"/payout-stages/{elsewhere}/disbursement", json=_paid("ICBC-2026-0042"))

        assert taken.status_code == 409 and taken.json()["code"] == "bank_reference_taken", taken.text
        assert taken.json()["errors"][0]["field"] == "bank_reference"
        assert first in taken.json()["message"] and "第1期" in taken.json()["message"] and "已拨付" in taken.json()["message"]
        assert taken.json()["details"]["stage_id"] == first and taken.json()["details"]["fund_id"] == "city:140400"
        assert spelt_otherwise.status_code == 409 and spelt_otherwise.json()["details"]["stage_id"] == first
        assert again.status_code == 201 and again.json()["bank_reference"] == "ICBC-2026-0042"
        assert out_of_scope.status_code == 409 and "不在您的权限范围内" in out_of_scope.json()["message"]
        assert first not in out_of_scope.text, "a stage outside the caller's scope is not named"
        assert other_fund.status_code == 201, "another fund's bank account numbers its own transfers"
        assert sorted(_disbursement_entries(stack)) == sorted([first, elsewhere])
        assert len(events(stack, "payout.stage.disbursed")) == 2
        statuses = {s.id: s.status for s in table_rows(stack, "payout_stages")}
        assert statuses[second] == statuses[third] == "approved"


def test_a_returned_transfers_reference_is_not_a_new_payment_of_the_same_stage(settings, databases):
    """退回 then 重新拨付: the returned transfer happened (journal: disbursement, return); the new payment is a new
    transfer with its own reference. Reusing the old one would book two payments against one bank record."""
    with Stack(settings, databases, services=("payout",)) as stack:
        stage_id = approved_stage(stack)
        clawed = approved_stage(stack)
        with finance(stack, "wang") as wang, finance(stack, "li") as li:
            assert wang.post(f"/payout-stages/{stage_id}/disbursement", json=_paid("CCB-RET-1")).status_code == 201
            assert wang.post(f"/payout-stages/{stage_id}/failure", json={"reason": "收款账户已销户, 银行退回"}).status_code == 201
            assert wang.post(f"/payout-stages/{stage_id}/retry").status_code == 201
            reused = wang.post(f"/payout-stages/{stage_id}/disbursement", json=_paid("CCB-RET-1"))
            repaid = wang.post(f"/payout-stages/{stage_id}/disbursement", json=_paid("CCB-RET-2"))
            assert wang.post(f"/payout-stages/{clawed}/disbursement", json=_paid("CCB-CLAW-1")).status_code == 201
            assert li.post(f"/payout-stages/{clawed}/clawback", json={"reason": "事后查实未投产"}).status_code == 201
            after_clawback = wang.post(f"/payout-stages/{approved_stage(stack)}/disbursement", json=_paid("CCB-CLAW-1"))
        assert reused.status_code == 409 and "本分期此前一次拨付" in reused.json()["message"], reused.text
        assert repaid.status_code == 201 and repaid.json()["bank_reference"] == "CCB-RET-2"
        assert after_clawback.status_code == 409 and after_clawback.json()["details"]["stage_id"] == clawed
        kinds = [e.kind for e in table_rows(stack, "journal_entries") if e.stage_id == stage_id]
        assert sorted(kinds) == ["approval", "disbursement", "disbursement", "return"]
        assert journal_balanced(stack) and replay_matches(stack)


def test_ten_concurrent_stages_claiming_one_reference_pay_once(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        stage_ids = [approved_stage(stack) for _ in range(10)]
        start = threading.Barrier(len(stage_ids))

        def send(stage_id: str):  # type: ignore[no-untyped-def]
            with finance(stack, f"clerk-{stage_id[-4:]}") as client:
                client.get("/payout-stages", params={"limit": 1})  # connection open before the race
                start.wait()
                return client.post(f"/payout-stages/{stage_id}/disbursement", json=_paid("ABC-RACE-1"),
                                   headers={"Idempotency-Key": f"batch-7/{stage_id}"})

        with ThreadPoolExecutor(max_workers=len(stage_ids)) as pool:
            responses = list(pool.map(send, stage_ids))
        codes = sorted(r.status_code for r in responses)
        assert codes == [201] + [409] * 9, {r.status_code: r.text for r in responses}
        assert {r.json()["code"] for r in responses if r.status_code == 409} == {"bank_reference_taken"}
        [winner] = [r.json()["id"] for r in responses if r.status_code == 201]
        assert _disbursement_entries(stack) == [winner]
        assert [(r.fund_id, r.reference_key, r.stage_id) for r in table_rows(stack, "bank_references")] == [
            ("city:140400", "ABC-RACE-1", winner)]
        assert journal_balanced(stack) and replay_matches(stack)


def _approved_on(stack: Stack, stage_id: str, when: datetime) -> None:
    runtime = stack.runtimes["payout"]
    stages = runtime.metadata.tables["payout_stages"]
    with runtime.db.engine.begin() as conn:
        conn.execute(update(stages).where(stages.c.id == stage_id).values(approved_at=when))


@pytest.mark.parametrize("window", [90, 10])
def test_disbursement_dates_outside_the_budget_year_window_or_in_the_future_are_refused(settings, databases, window):
    settings = settings.model_copy(update={"disbursement_date_window_days": window})
    today = beijing_today()
    earliest = date(today.year, 1, 1) - timedelta(days=window)  # the stage is approved now: this budget year
    old_year = today.year - 2
    with Stack(settings, databases, services=("payout",)) as stack:
        stage_id, old_stage = approved_stage(stack), approved_stage(stack)
        _approved_on(stack, old_stage, datetime(old_year, 6, 30, 9, tzinfo=UTC))  # approved two budget years ago
        with finance(stack, "wang") as wang:
            refused = {on: wang.post(f"/payout-stages/{stage_id}/disbursement", json=_paid(f"D-{on}", on))
                       for on in (date(1900, 1, 1), date(2099, 12, 31), today + timedelta(days=1),
                                  earliest - timedelta(days=1))}
            too_late = wang.post(f"/payout-stages/{old_stage}/disbursement", json=_paid("D-LATE", today))
            on_the_edge = wang.post(f"/payout-stages/{stage_id}/disbursement", json=_paid("D-EDGE", earliest))
            old_edge = date(old_year, 12, 31) + timedelta(days=window)
            in_its_year = wang.post(f"/payout-stages/{old_stage}/disbursement", json=_paid("D-OLD", old_edge))
        for on, response in [*refused.items(), (today, too_late)]:
            assert response.status_code == 422, (on, response.text)
            [error] = response.json()["errors"]
            assert error["field"] == "disbursed_on" and str(on) in error["reason"], error
        assert "晚于今天" in refused[date(2099, 12, 31)].json()["errors"][0]["reason"]
        assert f"预算年度 {today.year} 年前后 {window} 天内" in refused[date(1900, 1, 1)].json()["errors"][0]["reason"]
        assert f"预算年度 {old_year} 年前后 {window} 天内" in too_late.json()["errors"][0]["reason"]
        assert on_the_edge.status_code == 201 and on_the_edge.json()["disbursed_on"] == earliest.isoformat()
        assert in_its_year.status_code == 201, in_its_year.text
        assert sorted(_disbursement_entries(stack)) == sorted([stage_id, old_stage])
        assert sorted(r.bank_reference for r in table_rows(stack, "bank_references")) == ["D-EDGE", "D-OLD"], \
            "a refused date claims no reference"
