"""以商招商 referral award (晋工信新材料规字〔2024〕1号 9.2.1), carried by the ReferralAward workflow
through the real services, broker and time-skipping Temporal."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.finance import pay_open_stages
from tests.support.referrals import approve_next, plans, project_and_timeline, register, report
from tests.support.stack import Stack
from tests.support.temporal import TemporalHarness
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually

pytestmark = pytest.mark.workflow


def test_complete_investment_in_production_first_earns_the_one_off_award(settings, databases):
    referrer = make_uscc()
    with Stack(settings, databases) as stack, TemporalHarness(stack.settings) as temporal:
        project = register(stack, referrer, planned_fai_yuan="100000000")
        report(stack, referrer, project["id"], completed="100000000", complete=True, production=True)
        determination = approve_next(stack, project["id"])
        # one-off: 1% × 100,000,000 yuan = 1,000,000.00 yuan, under the 5,000,000 yuan per-project cap
        assert determination["amount_fen"] == 100_000_000 and determination["option"] == "one_off"
        eventually(lambda: temporal.status(project["id"]) == "fully_awarded", what="the award to be planned")
        pay_open_stages(stack, project["id"])
        outcome = temporal.result(project["id"])
        assert outcome["status"] == "paid" and outcome["awards_fen"] == [100_000_000] == [outcome["disbursed_fen"]]
        assert [p["total_fen"] for p in plans(stack, project["id"])] == [100_000_000]
        details, history = eventually(lambda: (r := project_and_timeline(stack, referrer, project["id"]))[0]["status"]
                                      == "fully_determined" and r, what="intake to record the award")
        assert [e["event_type"] for e in history][:3] == ["intake.referral.registered", "intake.referral.progress_reported",
                                                            "review.task.opened"]


def test_a_report_not_yet_in_production_earns_nothing_and_the_project_waits(settings, databases):
    referrer = make_uscc()
    with Stack(settings, databases) as stack, TemporalHarness(stack.settings) as temporal:
        project = register(stack, referrer, planned_fai_yuan="50000000")
        report(stack, referrer, project["id"], completed="20000000", complete=False, production=False)
        eventually(lambda: temporal.status(project["id"]) == "awaiting_report", what="the report to be weighed")
        with stack.client("review", "auditor", "audit-office") as auditor:
            assert [t for t in auditor.get("/tasks").json() if t["case_id"] == project["id"]] == []


def test_the_referrer_is_reminded_yearly_to_report(settings, databases):
    referrer = make_uscc()
    with Stack(settings, databases) as stack, TemporalHarness(stack.settings) as temporal:
        project = register(stack, referrer, planned_fai_yuan="60000000")
        eventually(lambda: temporal.status(project["id"]) == "awaiting_report", what="the workflow to start")
        temporal.skip(timedelta(days=366))
        _, history = eventually(
            lambda: (r := project_and_timeline(stack, referrer, project["id"]))[1][-1]["event_type"]
            == "intake.referral.report_requested" and r, what="the yearly reminder")
        assert "年度投资进度" in history[-1]["summary"]


def test_a_report_dated_today_in_beijing_is_accepted_while_it_is_still_yesterday_in_utc(settings, databases, monkeypatch):
    from infra import clock

    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 11, 26, 17, 30, tzinfo=UTC))  # 01:30 on the 27th in Beijing
    referrer = make_uscc()
    with Stack(settings, databases, services=("intake",)) as stack:
        project = register(stack, referrer, planned_fai_yuan="40000000")
        with stack.client("intake", "enterprise", referrer, region="140400") as client:
            def progress(as_of: str):  # type: ignore[no-untyped-def]
                return client.post(f"/referral-projects/{project['id']}/progress", json={
                    "completed_fai_yuan": "10000000", "investment_complete": False, "in_production": False, "as_of": as_of})
            today, tomorrow = progress("2026-11-27"), progress("2026-11-28")
        assert today.status_code == 201, today.text
        assert tomorrow.status_code == 422 and tomorrow.json()["errors"][0]["field"] == "as_of"
        assert "不能晚于今天" in tomorrow.json()["errors"][0]["reason"]


def test_a_project_below_three_thousand_wan_is_not_eligible(settings, databases):
    with Stack(settings, databases, services=("intake",)) as stack:
        refused = register(stack, make_uscc(), planned_fai_yuan="29999999.99", expect=422)
        assert refused["errors"][0]["field"] == "planned_fai_yuan" and "9.2.1" in refused["errors"][0]["reason"]
        assert register(stack, make_uscc(), planned_fai_yuan="30000000")["planned_fai_fen"] == 3_000_000_000


def test_two_projects_of_one_chain_leader_accumulate_beyond_one_project_cap(settings, databases):
    referrer = make_uscc()
    with Stack(settings, databases) as stack, TemporalHarness(stack.settings) as temporal:
        projects = [register(stack, referrer, planned_fai_yuan="400000000", project_code=f"P-{n}") for n in (1, 2)]
        for project in projects:
            report(stack, referrer, project["id"], completed="400000000", complete=True, production=True)
            assert approve_next(stack, project["id"])["amount_fen"] == 400_000_000  # 1% × 4亿 = 400万 each
            pay_open_stages(stack, project["id"])
        totals = [temporal.result(p["id"])["awards_fen"] for p in projects]
        assert totals == [[400_000_000], [400_000_000]], "800万 in all: projects accumulate without cap (上不封顶)"


def test_the_per_project_cap_holds_across_both_phases(settings, databases):
    """9.2.1: ≤ 500万 per project in all. Phase 1 on 3亿 completed = 300万; phase 2 would be 1% of the
    remaining 5亿 = 500万, but only 200万 of the project's cap is left."""
    referrer = make_uscc()
    with Stack(settings, databases) as stack, TemporalHarness(stack.settings) as temporal:
        project = register(stack, referrer, planned_fai_yuan="800000000")
        report(stack, referrer, project["id"], completed="300000000", complete=False, production=True)
        assert approve_next(stack, project["id"])["amount_fen"] == 300_000_000
        pay_open_stages(stack, project["id"], stages=1)
        report(stack, referrer, project["id"], completed="800000000", complete=True, production=True)
        phase_2 = approve_next(stack, project["id"])  # a new item: the officer who determined phase 1 may determine it
        assert phase_2["amount_fen"] == 200_000_000 and phase_2["capped_by"] and phase_2["option"] == "phase_2"
        pay_open_stages(stack, project["id"], stages=2)
        outcome = temporal.result(project["id"])
        assert outcome["awards_fen"] == [300_000_000, 200_000_000] and outcome["disbursed_fen"] == 500_000_000


def test_a_clawed_back_award_shows_at_intake_with_its_reason(settings, databases):
    referrer = make_uscc()
    with Stack(settings, databases) as stack, TemporalHarness(stack.settings) as temporal:
        project = register(stack, referrer, planned_fai_yuan="100000000")
        report(stack, referrer, project["id"], completed="100000000", complete=True, production=True)
        approve_next(stack, project["id"])
        [paid] = pay_open_stages(stack, project["id"])
        assert temporal.result(project["id"])["status"] == "paid"
        with stack.client("payout", "city_finance_bureau", "140400.city_finance_bureau", region="140400",
                          subject="finance-approver") as finance:
            clawed = finance.post(f"/payout-stages/{paid['id']}/clawback", json={"reason": "事后查实项目未实际投产"})
        assert clawed.status_code == 201, clawed.text
        assert clawed.json()["status"] == "clawed_back" and clawed.json()["recovered_fen"] == 100_000_000
        _, history = eventually(lambda: (r := project_and_timeline(stack, referrer, project["id"]))[1][-1]["event_type"]
                                == "payout.stage.clawed_back" and r, what="intake to record the clawback")
        assert "事后查实项目未实际投产" in history[-1]["summary"] and "1000000.00" in history[-1]["summary"]
