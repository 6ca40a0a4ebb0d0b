"""链主/链核 selection (晋政办发〔2023〕44号, seed 004 §10.3) carried by the SelectionRound and
SelectionCandidacy workflows through the real services, broker and time-skipping Temporal."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.support.selection import (
    OFFICE,
    candidacy,
    carry_through,
    decide,
    expert_tasks,
    experts_decide,
    load_pool,
    nominate,
    object_to,
    open_round,
    publicity,
    recommend,
    submit_list,
    task_for,
    timeline,
    verify,
)
from tests.support.stack import Stack
from tests.support.temporal import TemporalHarness
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually

pytestmark = pytest.mark.workflow
BEIJING = dt.timezone(dt.timedelta(hours=8))


FINAL = ("published", "closed_without_candidates")


def finish(temporal: TemporalHarness, round_id: str, skip: dt.timedelta = dt.timedelta(days=1), steps: int = 90) -> dict:
    """Skip the time-skipping server ahead step by step (window, publicity timer) until the round ends."""
    for _ in range(steps):
        try:
            eventually(lambda: temporal.status(round_id) in FINAL, timeout=1.5, what="the round to finish")
            break
        except AssertionError:
            temporal.skip(skip)
    assert temporal.status(round_id) in FINAL, f"round {round_id} stuck in {temporal.status(round_id)}"
    return temporal.result(round_id)


def _round_started(temporal: TemporalHarness, round_id: str) -> None:
    eventually(lambda: temporal.status(round_id) is not None, what="the round workflow to start")


def test_publicity_from_2025_09_26_ends_at_the_end_of_2025_10_13_and_the_list_is_published(settings, postgres_databases):
    with Stack(settings, postgres_databases) as stack, TemporalHarness(stack.settings) as temporal:
        selection = open_round(stack, ["sx_photovoltaic"], closes_in=dt.timedelta(minutes=30),
                               publicity_starts_on="2025-09-26")
        _round_started(temporal, selection["id"])
        nominated = nominate(stack, selection["id"], make_uscc("140400"), region="140400",
                             zone_id="changzhi_high_tech_zone")
        carry_through(stack, nominated)
        outcome = finish(temporal, selection["id"])
        assert outcome["status"] == "published" and outcome["published"] == [nominated["id"]]
        listed = publicity(stack, selection["id"])
        # 9-28 (Sun) and 10-11 (Sat) are make-up workdays; 1–8 October is the National Day holiday
        assert listed["starts_on"] == "2025-09-26" and listed["last_day"] == "2025-10-13"
        assert dt.datetime.fromisoformat(listed["ends_at"]) == dt.datetime(2025, 10, 14, tzinfo=BEIJING)
        final = eventually(lambda: (c := candidacy(stack, nominated["id"]))["status"] == "published" and c,
                           what="intake to record the publication")
        assert final["zone_id"] == "changzhi_high_tech_zone"
        history = timeline(stack, nominated["id"])
        assert history[0]["event_type"] == "intake.selection.nominated"
        assert history[-1]["event_type"] == "selection.candidate.published"
        refused = object_to(stack, selection["id"], nominated["id"], expect=409)
        assert "2025-10-14 00:00" in refused["message"]
        # the timeline agrees with the workflow's history: one decision signal per recorded decision
        signals = temporal.run(_signals(temporal, nominated["id"]))
        decisions = [e for e in history if e["event_type"] == "review.decision.recorded"]
        assert signals.count("decision_recorded") == len(decisions) == 4
        assert signals.count("listed") == 1 and "intake.selection.list_submitted" in [e["event_type"] for e in history]


async def _signals(temporal: TemporalHarness, workflow_id: str) -> list[str]:
    names = []
    async for event in temporal.handle(workflow_id).fetch_history_events():
        if event.HasField("workflow_execution_signaled_event_attributes"):
            names.append(event.workflow_execution_signaled_event_attributes.signal_name)
    return names


def _outbox_types(stack: Stack, service: str) -> list[str]:
    from sqlalchemy import select as sa_select

    runtime = stack.runtimes[service]
    with runtime.db.engine.connect() as connection:
        return [row[0] for row in connection.execute(sa_select(runtime.tables.outbox.c.event_type))]


def test_a_period_ending_in_2027_waits_with_an_alert_until_the_2027_schedule_is_loaded(settings, postgres_databases):
    from pathlib import Path

    from policies.calendar import YearSchedule

    schedule = YearSchedule.from_file(Path(__file__).parents[1] / "unit/policies/fixtures/calendar_2027_TEST_DATA.yaml"
                                      ).model_dump(mode="json")
    with Stack(settings, postgres_databases) as stack, TemporalHarness(stack.settings) as temporal:
        selection = open_round(stack, ["sx_special_steel"], closes_in=dt.timedelta(minutes=30),
                               publicity_starts_on="2026-12-24")
        _round_started(temporal, selection["id"])
        nominated = nominate(stack, selection["id"], make_uscc("140900"), region="140900", chain="sx_special_steel")
        carry_through(stack, nominated)
        temporal.skip(dt.timedelta(hours=1))
        eventually(lambda: temporal.status(selection["id"]) == "awaiting_calendar", what="the round to wait for 2027")
        waiting = publicity(stack, selection["id"])
        assert waiting["status"] == "awaiting_calendar" and waiting["ends_at"] is None, "the end is never guessed"
        assert _outbox_types(stack, "review").count("review.selection.calendar_missing") == 1
        temporal.skip(dt.timedelta(days=2))
        assert temporal.status(selection["id"]) == "awaiting_calendar"
        assert _outbox_types(stack, "review").count("review.selection.calendar_missing") == 1, "one alert, not one per retry"
        with stack.client("review", "admin", "ops", subject="admin-1") as admin:
            loaded = admin.post("/admin/calendar-schedules", json=schedule)
        assert loaded.status_code == 201, loaded.text
        outcome = finish(temporal, selection["id"], skip=dt.timedelta(days=5))
        assert outcome["published"] == [nominated["id"]]
        listed = publicity(stack, selection["id"])
        assert listed["last_day"].startswith("2027-01")


def test_upheld_objection_removes_a_candidate_rejected_one_does_not_and_publication_waits(settings, postgres_databases):
    today = dt.datetime.now(BEIJING).date()
    with Stack(settings, postgres_databases) as stack, TemporalHarness(stack.settings) as temporal:
        selection = open_round(stack, ["sx_photovoltaic"], closes_in=dt.timedelta(minutes=30),
                               publicity_starts_on=today.isoformat())
        _round_started(temporal, selection["id"])
        a, b, c = (nominate(stack, selection["id"], make_uscc("140400"), region="140400") for _ in range(3))
        carry_through(stack, a, b, c)
        temporal.skip(dt.timedelta(hours=1))
        eventually(lambda: temporal.status(selection["id"]) == "in_publicity", what="the publicity to open")
        against_a, against_b = object_to(stack, selection["id"], a["id"]), object_to(stack, selection["id"], b["id"])
        verify(stack, against_a["objection_id"], upheld=True, reason="主营业务收入数据不实")
        temporal.skip(dt.timedelta(days=30))
        eventually(lambda: temporal.status(selection["id"]) == "awaiting_objections", what="the round to wait for B's objection")
        temporal.skip(dt.timedelta(days=3))
        assert publicity(stack, selection["id"])["status"] == "open", "not published while an objection is unresolved"
        verify(stack, against_b["objection_id"], upheld=False, reason="经核实数据与年报一致")
        outcome = finish(temporal, selection["id"])
        assert sorted(outcome["published"]) == sorted([b["id"], c["id"]])
        assert outcome["candidacies"][a["id"]] == "removed"
        statuses = {x["id"]: eventually(lambda: (s := candidacy(stack, x["id"])["status"]) in ("removed", "published") and s,
                                        what="final status") for x in (a, b, c)}
        assert statuses == {a["id"]: "removed", b["id"]: "published", c["id"]: "published"}
        kept = timeline(stack, b["id"])
        assert any("异议不成立" in e["summary"] and "年报一致" in e["summary"] for e in kept)


def test_the_supplement_loop_stops_and_resumes_the_sla_clock_and_an_incomplete_candidacy_goes_no_further(
        settings, postgres_databases):
    with Stack(settings, postgres_databases) as stack, TemporalHarness(stack.settings) as temporal:
        selection = open_round(stack, ["sx_photovoltaic"], closes_in=dt.timedelta(minutes=30))
        _round_started(temporal, selection["id"])
        uscc = make_uscc("140400")
        nominated = nominate(stack, selection["id"], uscc, region="140400")
        incomplete = nominate(stack, selection["id"], make_uscc("140400"), region="140400")
        recommend(stack, nominated)
        recommend(stack, incomplete)
        submit_list(stack, selection["id"], "city_industry_bureau", "140400.city_industry_bureau")
        task = task_for(stack, *OFFICE, incomplete["id"], "completeness_check")
        decide(stack, *OFFICE, task["id"], "reject", "验证材料与申报条件不符，未通过完整性核查")
        eventually(lambda: candidacy(stack, incomplete["id"])["status"] == "incomplete", what="the incomplete status")
        task = task_for(stack, *OFFICE, nominated["id"], "completeness_check")
        decide(stack, *OFFICE, task["id"], "supplement", "验证材料不全",
               missing_items=["近三年审计报告", "主导产品市场占有率证明"])
        eventually(lambda: temporal.query(nominated["id"], "status") == "supplement_requested", what="the 补正 request")
        stopped = temporal.query(nominated["id"], "sla")
        assert stopped["running"] is False and stopped["supplements"] == 1
        temporal.skip(dt.timedelta(days=10))
        assert temporal.query(nominated["id"], "sla")["elapsed_seconds"] == stopped["elapsed_seconds"], "stopped meanwhile"
        assert eventually(lambda: candidacy(stack, nominated["id"])["status"] == "supplement_requested", what="intake status")
        requested = [e for e in timeline(stack, nominated["id"]) if e["details"].get("decision") == "supplement"]
        assert requested and requested[0]["details"]["missing_items"] == ["近三年审计报告", "主导产品市场占有率证明"]
        corrected = {**nominated["facts"], "main_revenue_yuan": "900000000"}
        with stack.client("intake", "enterprise", uscc, region="140400") as client:
            response = client.post(f"/selection/candidacies/{nominated['id']}/resubmission",
                                   json={"facts": corrected,
                                         "materials": [{"filename": "审计报告.pdf", "content_type": "application/pdf",
                                                        "content_base64": "JVBERi0xLjQK"}]})
        assert response.status_code == 201, response.text
        second = eventually(lambda: [t for t in _all_open(stack) if t["case_id"] == nominated["id"]], what="a second check")
        assert second[0]["kind"] == "completeness_check" and "补正后" in second[0]["title"]
        assert second[0]["facts"]["declared"]["main_revenue_yuan"] == "900000000", "the check sees the resubmitted facts"
        assert temporal.query(nominated["id"], "sla")["running"] is True, "the clock resumed on resubmission"
        eventually(lambda: any(e["details"].get("task_id") == second[0]["id"] for e in timeline(stack, nominated["id"])),
                   what="the reopened check on the candidacy's timeline")
        assert candidacy(stack, nominated["id"])["status"] == "resubmitted", "已补正 until the office decides again"
        decide(stack, *OFFICE, second[0]["id"], reason="补正后材料完整", subject="office-checker-2")
        experts_decide(stack, nominated["id"])
        task = task_for(stack, "leading_group", "140000.leading_group", nominated["id"], "selection_approval")
        decide(stack, "leading_group", "140000.leading_group", task["id"])
        outcome = finish(temporal, selection["id"])
        assert outcome["published"] == [nominated["id"]]
        assert outcome["candidacies"][incomplete["id"]] == "incomplete"
        assert not [t for t in _all_open(stack) if t["case_id"] == incomplete["id"]], "no expert review after a failed check"
        kinds = [e["event_type"] for e in timeline(stack, nominated["id"])]
        assert "intake.selection.resubmitted" in kinds


def _all_open(stack: Stack) -> list[dict]:
    with stack.client("review", *OFFICE, region="140000") as client:
        return client.get("/tasks", params={"status": "open"}).json()


@pytest.mark.parametrize(("kind", "route"), [("chain_core", "leading_group"), ("chain_leader", "chiefs")])
def test_each_round_follows_its_own_approval_route(settings, postgres_databases, kind, route):
    with Stack(settings, postgres_databases) as stack, TemporalHarness(stack.settings) as temporal:
        selection = open_round(stack, ["sx_new_energy_vehicle"], kind=kind, approval_route=route,
                               closes_in=dt.timedelta(minutes=30))
        _round_started(temporal, selection["id"])
        nominated = nominate(stack, selection["id"], make_uscc("140900"), region="140900", chain="sx_new_energy_vehicle",
                             facts={"chain_category": "emerging", "core_type": "core_supplier"} if kind == "chain_core" else None)
        carry_through(stack, nominated, route=route)
        if kind == "chain_core":  # the chiefs' lists are gathered by the province_chain_office (§10.3, 报省链长办汇总)
            temporal.skip(dt.timedelta(hours=1))
            gathering = task_for(stack, *OFFICE, selection["id"], "list_gathering")
            assert [e["candidacy_id"] for e in gathering["facts"]["approved"]] == [nominated["id"]]
            assert temporal.status(selection["id"]) == "gathering"
            refused = decide(stack, *OFFICE, gathering["id"], "reject", "退回", expect=422, subject="office-gatherer")
            assert refused["errors"][0]["field"] == "decision"
            temporal.skip(dt.timedelta(days=1))
            assert temporal.status(selection["id"]) == "gathering", "nothing moves without the gathering"
            decide(stack, *OFFICE, gathering["id"], reason="汇总无误", subject="office-gatherer")
        outcome = finish(temporal, selection["id"])
        assert outcome["published"] == [nominated["id"]]
        with stack.client("review", "auditor", "audit-office") as auditor:
            tasks = [t for t in auditor.get("/tasks", params={"limit": 500}).json() if t["case_id"] == nominated["id"]]
        expected = {"chain_core": ["city_recommendation", "completeness_check", "expert_review", "lead_unit_submission",
                                   "selection_approval"],
                    "chain_leader": ["city_recommendation", "completeness_check", "expert_review", "chief_review",
                                     "selection_approval"]}[kind]
        assert [t["kind"] for t in tasks] == expected
        final = {"chain_core": "sx_new_energy_vehicle.chain_chief", "chain_leader": "140000.chief_of_chiefs"}[kind]
        assert tasks[-1]["assignee_org"] == final


def test_an_overdue_task_reminds_its_assignee_then_escalates_to_the_supervising_office(settings, postgres_databases):
    with Stack(settings, postgres_databases) as stack, TemporalHarness(stack.settings) as temporal:
        selection = open_round(stack, ["sx_photovoltaic"], closes_in=dt.timedelta(minutes=30))
        _round_started(temporal, selection["id"])
        nominated = nominate(stack, selection["id"], make_uscc("140900"), region="140900")
        task = task_for(stack, "city_industry_bureau", "140900.city_industry_bureau", nominated["id"], "city_recommendation",
                        region="140900")
        assert task["due_at"] is not None, "every task has a working-day due date"

        def events() -> list[str]:
            return [e["event_type"] for e in timeline(stack, nominated["id"])]
        allowed = dt.datetime.fromisoformat(task["due_at"]) - dt.datetime.now(dt.UTC)
        temporal.skip(allowed + dt.timedelta(hours=1))  # the working days are over: the bureau is reminded
        eventually(lambda: "review.task.overdue" in events(), what="the reminder")
        assert "review.task.escalated" not in events()
        temporal.skip(allowed)  # as long again without a decision: escalated to the office
        eventually(lambda: "review.task.escalated" in events(), what="the escalation")
        escalation = [e for e in timeline(stack, nominated["id"]) if e["event_type"] == "review.task.escalated"][0]
        assert escalation["details"]["supervising_org"] == "140000.province_chain_office"
        assert events().count("review.task.overdue") == 1 and events().count("review.task.escalated") == 1
        decide(stack, "city_industry_bureau", "140900.city_industry_bureau", task["id"], "reject", "不符合条件", region="140900")
        eventually(lambda: candidacy(stack, nominated["id"])["status"] == "declined", what="the late decision to count")


def test_an_expert_with_a_conflict_is_recused_and_replaced_and_the_majority_decides(settings, postgres_databases):
    uscc = make_uscc("140400")
    with Stack(settings, postgres_databases) as stack, TemporalHarness(stack.settings) as temporal:
        selection = open_round(stack, ["sx_synthetic_biology"], closes_in=dt.timedelta(minutes=30), pools=False)
        # a panel of up to 5 from a pool of 5: the draw meets every expert, so both conflicts are recused and
        # the seats go to the next experts drawn; 3 seated still make the quorum
        load_pool(stack, "sx_synthetic_biology", panel_size=5, quorum=3, experts=[
            {"expert_id": "bio-1", "name": "专家甲", "employer_uscc": uscc},
            {"expert_id": "bio-2", "name": "专家乙", "declared_conflicts": [uscc]},
            {"expert_id": "bio-3", "name": "专家丙"}, {"expert_id": "bio-4", "name": "专家丁"},
            {"expert_id": "bio-5", "name": "专家戊"}])
        pool = ["bio-1", "bio-2", "bio-3", "bio-4", "bio-5"]
        _round_started(temporal, selection["id"])
        nominated = nominate(stack, selection["id"], uscc, region="140400", chain="sx_synthetic_biology")
        task = task_for(stack, "city_industry_bureau", "140400.city_industry_bureau", nominated["id"], "city_recommendation",
                        region="140400")
        decide(stack, "city_industry_bureau", "140400.city_industry_bureau", task["id"], region="140400")
        submit_list(stack, selection["id"], "city_industry_bureau", "140400.city_industry_bureau")
        decide(stack, *OFFICE, task_for(stack, *OFFICE, nominated["id"], "completeness_check")["id"])
        panel = sorted(t["assignee_org"] for t in expert_tasks(stack, nominated["id"]))
        assert panel == ["bio-3", "bio-4", "bio-5"], "both conflicted experts recused, replaced from the pool"
        drawn = eventually(lambda: [e for e in timeline(stack, nominated["id"])
                                    if e["event_type"] == "review.selection.panel_drawn"], what="the draw on the timeline")
        recused = {r["expert_id"]: r["reason"] for r in drawn[0]["details"]["recused"]}
        assert set(recused) == {"bio-1", "bio-2"} and "同一单位" in recused["bio-1"] and "利益冲突" in recused["bio-2"]
        import random

        replay = random.Random(drawn[0]["details"]["seed"]).sample(pool, len(pool))
        assert drawn[0]["details"]["members"] == [e for e in replay if e not in ("bio-1", "bio-2")], \
            "the recorded seed re-does the draw (audit)"
        experts_decide(stack, nominated["id"], {"bio-3": "reject", "bio-4": "reject"})
        outcome = finish(temporal, selection["id"])
        assert outcome["status"] == "closed_without_candidates"
        assert eventually(lambda: candidacy(stack, nominated["id"])["status"] == "not_proposed", what="not proposed")


def test_an_overdue_expert_is_reminded_then_reported_and_the_quorum_decides(settings, postgres_databases):
    with Stack(settings, postgres_databases) as stack, TemporalHarness(stack.settings) as temporal:
        selection = open_round(stack, ["sx_new_energy_storage"], closes_in=dt.timedelta(minutes=30), pools=False)
        load_pool(stack, "sx_new_energy_storage", panel_size=3, quorum=2)
        _round_started(temporal, selection["id"])
        nominated = nominate(stack, selection["id"], make_uscc("140400"), region="140400", chain="sx_new_energy_storage")
        recommend(stack, nominated)
        submit_list(stack, selection["id"], "city_industry_bureau", "140400.city_industry_bureau")
        decide(stack, *OFFICE, task_for(stack, *OFFICE, nominated["id"], "completeness_check")["id"])
        panel = expert_tasks(stack, nominated["id"])
        assert len(panel) == 3 and all(t["due_at"] for t in panel), "every expert's task has a working-day due date"
        silent, *voting = panel
        for task in voting:
            with stack.client("review", "expert", task["assignee_org"], subject=task["assignee_org"]) as client:
                response = client.post(f"/tasks/{task['id']}/decision", json={"decision": "approve", "reason": "评审意见：同意"})
            assert response.status_code == 201, response.text

        def chased(kind: str) -> list[dict]:
            return [e for e in timeline(stack, nominated["id"]) if e["event_type"] == kind]
        allowed = dt.datetime.fromisoformat(panel[0]["due_at"]) - dt.datetime.now(dt.UTC)
        temporal.skip(allowed + dt.timedelta(hours=1))
        reminded = eventually(lambda: chased("review.task.overdue"), what="the silent expert's reminder")
        assert [e["details"]["task_id"] for e in reminded] == [silent["id"]], "only the expert who has not decided"
        assert temporal.query(nominated["id"], "status") == "expert_review", "two of three: the panel still waits"
        temporal.skip(allowed)
        escalated = eventually(lambda: chased("review.task.escalated"), what="the report to the office")
        assert escalated[0]["details"]["supervising_org"] == "140000.province_chain_office"
        eventually(lambda: candidacy(stack, nominated["id"])["status"] == "proposed", what="the quorum's recommendation")
