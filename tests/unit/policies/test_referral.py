"""The two-phase referral award (晋工信新材料规字〔2024〕1号 9.2.1), as a case would run it."""
from __future__ import annotations

import pytest

from policies.calculator import calculate
from policies.errors import CapExhausted, FactsInvalid, NotEligible

from .conftest import facts

WAN = 1_000_000
LEADER = "91140400LEADER0001"


def referral(phase: str, completed: str, *, complete: bool, producing: bool = True, project: str = "P1",
             entity: str = LEADER, **extra) -> dict:
    return facts("jgx2024-9.2.1", entity_id=entity, project_id=project, project_fai_yuan="800000000",
                 completed_fai_yuan=completed, phase=phase, investment_complete=complete,
                 in_production=producing, **extra)


def test_phase_1_then_phase_2_pay_one_percent_each_within_500_wan_per_project():
    # phase 1: 3亿 invested and producing → 1% × 3亿 = 300万
    one = calculate("jgx2024-9.2.1", referral("phase_1", "300000000", complete=False))
    assert (one.amount_fen, one.option, one.capped_by) == (300 * WAN, "phase_1", None)
    # phase 2: complete at 8亿 → remainder 8亿 − 3亿 = 5亿; 1% = 500万; but 300万 already paid → 200万
    two = calculate("jgx2024-9.2.1", referral("phase_2", "800000000", complete=True,
                                              phase_1_completed_fai_yuan="300000000"), [one.to_prior_award()])
    assert (two.amount_fen, two.option, two.capped_by) == (200 * WAN, "phase_2", "per_project")
    cap_steps = [s for s in two.steps if "500万" in s.description]
    assert cap_steps and any("3000000.00" in s.description for s in cap_steps)
    assert one.amount_fen + two.amount_fen == 500 * WAN


def test_phase_2_below_the_cap_is_one_percent_of_the_remainder():
    one = calculate("jgx2024-9.2.1", referral("phase_1", "100000000", complete=False))          # 100万
    two = calculate("jgx2024-9.2.1", referral("phase_2", "250000000", complete=True,
                                              phase_1_completed_fai_yuan="100000000"), [one.to_prior_award()])
    assert two.amount_fen == 150 * WAN  # 1% × (2.5亿 − 1亿) = 150万


def test_a_project_complete_and_producing_takes_the_one_off_award():
    with pytest.raises(NotEligible) as raised:
        calculate("jgx2024-9.2.1", referral("phase_1", "800000000", complete=True))
    assert raised.value.rule == "phase" and "一次性" in raised.value.reason


def test_no_award_before_production():
    with pytest.raises(NotEligible) as raised:
        calculate("jgx2024-9.2.1", referral("phase_1", "300000000", complete=False, producing=False))
    assert "投产" in raised.value.reason


def test_phase_2_needs_phase_1_first_and_its_basis():
    with pytest.raises(NotEligible):
        calculate("jgx2024-9.2.1", referral("phase_2", "800000000", complete=True,
                                            phase_1_completed_fai_yuan="300000000"))
    with pytest.raises(FactsInvalid) as raised:
        calculate("jgx2024-9.2.1", referral("phase_2", "800000000", complete=True))
    assert raised.value.field == "phase_1_completed_fai_yuan"


def test_phase_1_basis_cannot_exceed_the_completed_investment():
    with pytest.raises(FactsInvalid):
        calculate("jgx2024-9.2.1", referral("phase_2", "200000000", complete=True,
                                            phase_1_completed_fai_yuan="300000000"))


def test_phases_are_not_repeated():
    one = calculate("jgx2024-9.2.1", referral("phase_1", "300000000", complete=False))
    with pytest.raises(NotEligible) as raised:
        calculate("jgx2024-9.2.1", referral("phase_1", "400000000", complete=False), [one.to_prior_award()])
    assert raised.value.rule == "already_awarded"
    with pytest.raises(NotEligible):
        calculate("jgx2024-9.2.1", referral("one_off", "800000000", complete=True), [one.to_prior_award()])


def test_phase_1_at_the_cap_leaves_nothing_for_phase_2():
    one = calculate("jgx2024-9.2.1", referral("phase_1", "600000000", complete=False))
    assert (one.amount_fen, one.capped_by) == (500 * WAN, "per_project")  # 1% × 6亿 = 600万 → 500万
    with pytest.raises(CapExhausted):
        calculate("jgx2024-9.2.1", referral("phase_2", "800000000", complete=True,
                                            phase_1_completed_fai_yuan="600000000"), [one.to_prior_award()])


def test_one_referrer_per_project():
    one = calculate("jgx2024-9.2.1", referral("phase_1", "300000000", complete=False))
    with pytest.raises(NotEligible) as raised:
        calculate("jgx2024-9.2.1", referral("one_off", "800000000", complete=True, entity="91140400OTHERLEADER"),
                  [one.to_prior_award()])
    assert raised.value.rule == "one_recipient"


def test_several_projects_of_one_leader_accumulate_without_cap():
    awards = []
    for project in ("P1", "P2", "P3"):
        d = calculate("jgx2024-9.2.1", referral("one_off", "600000000", complete=True, project=project),
                      [a.to_prior_award() for a in awards])
        awards.append(d)
    assert [a.amount_fen for a in awards] == [500 * WAN] * 3  # each project capped at 500万, total 1500万
