"""One clause of each kind, from application (or the event that entitles) to disbursed stages,
through the real services, broker and time-skipping Temporal (晋工信新材料规字〔2024〕1号, 长科发〔2022〕5号).

fixed 9.1.1 · percentage with cap 8.3 · tiered with a loaded 表1 9.1.2 · formula with coefficients
9.2.2 · two-phase referral 9.2.1."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from contracts.common import ApplicantRef
from contracts.events.selection import CandidatePublished
from tests.support.bus import publish_event, subscribed
from tests.support.cases import FICTIONAL_TABLE_1, apply, decide, tech_transfer_facts
from tests.support.finance import pay_open_stages, plan_of
from tests.support.referrals import approve_next, register, report
from tests.support.stack import Stack
from tests.support.temporal import TemporalHarness
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually

pytestmark = pytest.mark.workflow

PROVINCE = "140000.province_industry_dept"


def assert_completed(stack: Stack, temporal: TemporalHarness, uscc: str, case_id: str, amount_fen: int) -> None:
    outcome = temporal.result(case_id)
    assert outcome["status"] == "completed" and outcome["amount_fen"] == amount_fen == outcome["disbursed_fen"]
    with stack.client("intake", "enterprise", uscc, region="140400") as applicant:
        status = eventually(lambda: (a := applicant.get(f"/applications/{case_id}").json())["status"] == "completed" and a,
                            what="intake to see the case paid")
        timeline = applicant.get(f"/applications/{case_id}/timeline").json()
    assert status["status_label"] == "已全部拨付"
    kinds = [e["event_type"] for e in timeline]
    assert kinds[0] == "intake.application.submitted" and {"payout.plan.opened", "payout.stage.approved",
                                                             "payout.stage.disbursed"} <= set(kinds)


def test_fixed_amount_recognition_award_opened_by_publication_is_paid(settings, databases):
    """9.1.1: a published provincial 链主 gets 100万元, without applying."""
    leader = make_uscc("140400")
    with Stack(settings, databases) as stack, TemporalHarness(stack.settings) as temporal:
        subscribed(stack, "intake")
        candidacy = f"CAND-{uuid.uuid4().hex[:12].upper()}"
        publish_event(stack, CandidatePublished(
            round_id="RND-2026-1", candidacy_id=candidacy, kind="chain_leader", chain_id="special_steel",
            enterprise=ApplicantRef(uscc=leader, name="长治示例钢铁有限公司", region="140400"),
            zone_id=None, year=2026, published_on=date(2026, 10, 20)), producer="review", correlation_id=candidacy)
        case_id = f"APP-{candidacy}-RECOGNITION"
        determination = decide(stack, case_id, PROVINCE, "140000", subject="province-officer")["determination"]
        assert determination["amount_fen"] == 100_000_000 and determination["citation"]["clause_number"] == "9.1.1"
        pay_open_stages(stack, case_id)
        assert_completed(stack, temporal, leader, case_id, 100_000_000)


def test_percentage_with_cap_tech_transfer_subsidy_is_paid(settings, databases):
    """长科发〔2022〕5号 8.3: 5% of 5,000,000 yuan = 250,000, capped at 200,000 yuan per achievement."""
    uscc = make_uscc()
    with Stack(settings, databases) as stack, TemporalHarness(stack.settings) as temporal:
        case_id = apply(stack, uscc, "ckf2022-8.3", tech_transfer_facts("5000000"))
        decide(stack, case_id, "140400.city_foreign_expert_center", "140400", subject="center-officer")
        determination = decide(stack, case_id, "140400.city_science_bureau", "140400", subject="science-officer")["determination"]
        assert determination["amount_fen"] == 20_000_000 and determination["capped_by"]
        pay_open_stages(stack, case_id)
        assert_completed(stack, temporal, uscc, case_id, 20_000_000)


def test_tiered_revenue_award_with_a_loaded_table_is_paid(settings, databases):
    """9.1.2 with 表1 loaded by the admin: 350亿 reaches 二档 → the highest tier only."""
    uscc = make_uscc()
    with Stack(settings, databases) as stack, TemporalHarness(stack.settings) as temporal:
        with stack.client("review", "admin", "province-admin") as admin:
            assert admin.post("/admin/tier-tables", json=FICTIONAL_TABLE_1).status_code == 201
        case_id = apply(stack, uscc, "jgx2024-9.1.2",
                        {"year": 2026, "recognition": "chain_leader", "chain_revenue_yuan": "35000000000"})
        determination = decide(stack, case_id, PROVINCE, "140000", subject="province-officer")["determination"]
        assert determination["amount_fen"] == 200_000_000 and determination["tier"] == "二档"
        pay_open_stages(stack, case_id)
        assert_completed(stack, temporal, uscc, case_id, 200_000_000)


def test_formula_landing_award_with_verified_coefficients_is_paid(settings, databases):
    """9.2.2: FAI × (LPR average × investment coefficient × revenue coefficient × 1.1), ≤ 5000万.
    The coefficients are not in the seeds: the department enters the ones it verified."""
    uscc = make_uscc()
    facts = {"year": 2026, "project_id": "XM-2026-0001", "is_chain_project": True, "meets_tech_reform_standard": True,
             "project_fai_yuan": "200000000", "lpr_average": "0.0345", "investment_coefficient": "1.2",
             "revenue_coefficient": "1.5"}
    with Stack(settings, databases) as stack, TemporalHarness(stack.settings) as temporal:
        case_id = apply(stack, uscc, "jgx2024-9.2.2", facts)
        determination = decide(stack, case_id, PROVINCE, "140000", subject="province-officer",
                               verified_facts={**facts, "entity_id": uscc})["determination"]
        # 200,000,000 × (0.0345 × 1.2 × 1.5 × 1.1) = 200,000,000 × 0.06831 = 13,662,000.00 yuan
        assert determination["amount_fen"] == 1_366_200_000 and determination["capped_by"] is None
        pay_open_stages(stack, case_id)
        assert_completed(stack, temporal, uscc, case_id, 1_366_200_000)


def test_two_phase_referral_award_is_paid_in_two_stages(settings, databases):
    """9.2.1: partial investment in production → phase 1 (1% of completed FAI); completion → phase 2."""
    referrer = make_uscc()
    with Stack(settings, databases) as stack, TemporalHarness(stack.settings) as temporal:
        project = register(stack, referrer, planned_fai_yuan="100000000")
        report(stack, referrer, project["id"], completed="40000000", complete=False, production=True)
        assert approve_next(stack, project["id"])["amount_fen"] == 40_000_000
        pay_open_stages(stack, project["id"], stages=1)
        eventually(lambda: temporal.status(project["id"]) == "awaiting_report", what="phase 1 paid, awaiting completion")

        report(stack, referrer, project["id"], completed="100000000", complete=True, production=True)
        assert approve_next(stack, project["id"], officer="province-officer-2")["amount_fen"] == 60_000_000
        pay_open_stages(stack, project["id"], stages=2)
        outcome = temporal.result(project["id"])
        assert outcome["status"] == "paid" and outcome["awards_fen"] == [40_000_000, 60_000_000]
        assert outcome["disbursed_fen"] == 100_000_000
        plan = plan_of(stack, project["id"], stages=2)
        assert [(s["sequence"], s["amount_fen"], s["status"]) for s in plan["stages"]] == [
            (1, 40_000_000, "disbursed"), (2, 60_000_000, "disbursed")]


def test_the_entitys_awards_on_the_ledger_bind_its_yearly_cap(settings, databases):
    """9.4.2: 5% of technology-promotion receipts, ≤ 100万 per legal entity a year. The second case's
    determination counts the first award, which the workflow reads from the finance ledger."""
    uscc = make_uscc()

    def promotion(project: str, receipts: str) -> dict:
        return {"year": 2026, "project_id": project, "promoted_and_applied": True,
                "confirmed_by_adopter_city_dept": True, "contract_receipts_yuan": receipts}

    with Stack(settings, databases) as stack, TemporalHarness(stack.settings) as temporal:
        adopter = "140400.adopter_city_science_or_industry_dept"
        first = apply(stack, uscc, "jgx2024-9.4.2", promotion("JS-2026-01", "16000000"))
        decide(stack, first, adopter, "140400", subject="city-officer")
        assert decide(stack, first, PROVINCE, "140000", subject="province-officer")["determination"]["amount_fen"] == 80_000_000
        pay_open_stages(stack, first)
        assert temporal.result(first)["status"] == "completed"

        second = apply(stack, uscc, "jgx2024-9.4.2", promotion("JS-2026-02", "10000000"))
        decide(stack, second, adopter, "140400", subject="city-officer")
        determination = decide(stack, second, PROVINCE, "140000", subject="province-officer")["determination"]
        # 5% × 10,000,000 = 500,000 yuan, but only 1,000,000 − 800,000 = 200,000 yuan of the year's cap is left
        assert determination["amount_fen"] == 20_000_000 and determination["capped_by"] == "per_entity_per_year"
