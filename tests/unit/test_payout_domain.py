"""The ledger's pure rules: balanced postings, cost splits in whole fen, the stage transition table."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.api.payout import PlanStatus, StageStatus
from services.payout.domain import ledger
from services.payout.domain.disbursement import date_refusal, reference_key
from services.payout.domain.plan import TransitionRefused, next_status, plan_status


@given(amount=st.integers(0, 10**12), share=st.integers(0, 10_000))
def test_cost_split_adds_up_to_the_fen(amount: int, share: int) -> None:
    city, county = ledger.split_cost(amount, share)
    assert city + county == amount and city >= 0 and county >= 0


def test_cost_split_rounds_the_city_share_down() -> None:
    assert ledger.split_cost(10_000_001, 6000) == (6_000_000, 4_000_001)
    with pytest.raises(ValueError):
        ledger.split_cost(100, 10_001)


@given(parts=st.lists(st.integers(1, 10**9), min_size=1, max_size=3))
def test_every_posting_balances_and_a_full_cycle_leaves_only_bank_and_funds(parts: list[int]) -> None:
    funding = [(f"county:14042{i}", amount) for i, amount in enumerate(parts)]
    total = sum(parts)
    entries = [ledger.approval("U", funding, 2026), ledger.disbursement("U", total)]
    assert all(sum(line.amount_fen for line in entry) == 0 for entry in entries)
    balances = ledger.replay(entries)
    assert "payable:U" not in balances and balances["bank"] == -total
    clawed = ledger.replay([*entries, ledger.clawback("U", funding, 2026)])
    assert clawed == {"bank": -total, "recovery:U": total}


def test_unbalanced_lines_are_refused() -> None:
    with pytest.raises(ledger.Unbalanced):
        ledger.balanced([ledger.Line("bank", 1)])


def test_transitions_and_plan_status() -> None:
    assert next_status("approve", StageStatus.PREPARED) == StageStatus.APPROVED
    with pytest.raises(TransitionRefused, match="不能登记拨付"):
        next_status("disburse", StageStatus.PREPARED)
    with pytest.raises(TransitionRefused):
        next_status("disburse", StageStatus.DISBURSED)  # never paid twice
    assert plan_status([StageStatus.DISBURSED, StageStatus.DISBURSED]) == PlanStatus.COMPLETED
    assert plan_status([StageStatus.DISBURSED, StageStatus.APPROVED]) == PlanStatus.OPEN
    assert plan_status([StageStatus.CLAWED_BACK, StageStatus.DISBURSED]) == PlanStatus.CLAWED_BACK


def test_a_bank_reference_compares_without_case_spaces_or_full_width_forms() -> None:
    assert reference_key(" icbc 2026-００42 ") == reference_key("ICBC2026-0042") == "ICBC2026-0042"
    assert reference_key("ICBC-1") != reference_key("ICBC-11")


def test_a_disbursement_date_lies_in_the_budget_year_widened_by_the_window_and_not_after_today() -> None:
    def refusal(on: date, window: int = 90) -> str | None:
        return date_refusal(on, budget_year=2026, today=date(2027, 2, 1), window_days=window)

    assert refusal(date(2025, 10, 3)) is None and refusal(date(2027, 2, 1)) is None
    assert "2025-10-03 至 2027-03-31" in (refusal(date(2025, 10, 2)) or "")
    assert "晚于今天" in (refusal(date(2027, 2, 2)) or "")
    assert refusal(date(1900, 1, 1)) and refusal(date(2099, 12, 31))
    assert refusal(date(2027, 1, 1), window=0) and refusal(date(2026, 12, 31), window=0) is None
