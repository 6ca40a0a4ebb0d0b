"""The case workflows' building blocks, samples-style: ApplicationCase and ReferralAward on the
time-skipping server with review, payout and intake stood in by activity name (tests/support/stand_ins),
the test sending the bridge's signals. DecisionInbox, SupplementInbox (the 补正 loop) and PayoutTracker."""
from __future__ import annotations

import asyncio

import pytest
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from contracts.events.intake import ReferralProjectRef
from contracts.workflows import ApplicationCaseInput, ReferralAwardInput, ReferralReportSignal
from tests.support.histories import keep
from tests.support.stand_ins import (
    APPLICANT, TASK_QUEUE, StandIns, decision, resubmission, stage, time_skipping, until,
)
from workflows.application_case import ApplicationCaseWorkflow, CaseOutcome
from workflows.referral_award import ReferralAwardWorkflow, ReferralOutcome

pytestmark = pytest.mark.workflow


async def start_case(env: WorkflowEnvironment, case_id: str = "APP-1") -> WorkflowHandle:
    return await env.client.start_workflow(
        "ApplicationCase", ApplicationCaseInput(case_id=case_id, clause_id="test-clause", applicant=APPLICANT,
                                                facts={"receipts_yuan": "5000000"}),
        id=case_id, task_queue=TASK_QUEUE, result_type=CaseOutcome)


async def status_is(handle: WorkflowHandle, expected: str) -> str:
    return await until_async(lambda: handle.query("status"), expected)


async def until_async(query, expected: str, timeout: float = 20) -> str:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(timeout):
        while (value := await query()) != expected:
            await asyncio.sleep(0.02)
    return value


def test_decision_inbox_applies_an_event_once_keeps_the_first_decision_and_ignores_other_tasks():
    async def scenario() -> None:
        stand_ins = StandIns(steps=2)
        async with time_skipping(stand_ins, [ApplicationCaseWorkflow]) as env:
            handle = await start_case(env)
            await until(lambda: stand_ins.tasks, what="the first step's task")
            await handle.signal("decision_recorded", decision("TASK-7"))  # a task this case is not waiting on
            await asyncio.sleep(0.3)
            assert len(stand_ins.tasks) == 1, "a decision on another task moves nothing"
            for signal in (decision("TASK-1"), decision("TASK-1"), decision("TASK-1", "reject", event="E-late")):
                await handle.signal("decision_recorded", signal)
            await until(lambda: len(stand_ins.tasks) == 2, what="the determining step (the first decision stands)")
            await handle.signal("decision_recorded", decision("TASK-2", amount_fen=150_000))
            await status_is(handle, "payout_planned")
            assert [p.determination.amount_fen for p in stand_ins.asked("payout.open_plan")] == [150_000]
            assert await handle.query("applied_events") == sorted(
                ["E-TASK-7-approve", "E-TASK-1-approve", "E-late", "E-TASK-2-approve"])
            await handle.signal("payout_stage_changed", stage("E-paid", "disbursed", amount_fen=150_000))
            outcome = await handle.result()
            assert outcome.status == "completed" and outcome.amount_fen == 150_000
            await keep(handle, "approved-and-paid")

    asyncio.run(scenario())


def test_a_supplement_request_waits_for_one_resubmission_and_reopens_the_step_with_its_facts():
    async def scenario() -> None:
        stand_ins = StandIns(steps=1)
        async with time_skipping(stand_ins, [ApplicationCaseWorkflow]) as env:
            handle = await start_case(env)
            await until(lambda: stand_ins.tasks, what="the task")
            await handle.signal("decision_recorded", decision("TASK-1", "supplement"))
            await status_is(handle, "supplement_requested")
            await handle.signal("resubmitted", resubmission("E-resub", receipts_yuan="3000000"))
            await handle.signal("resubmitted", resubmission("E-resub", receipts_yuan="1"))  # the same event again
            reopened = await until(lambda: len(stand_ins.tasks) == 2 and stand_ins.tasks[1], what="the reopened step")
            assert reopened.resumes_task_id == "TASK-1" and "补正后" in reopened.title
            assert reopened.facts == {"receipts_yuan": "3000000"}
            await status_is(handle, "under_review")
            await handle.signal("decision_recorded", decision("TASK-2", "reject"))
            assert (await handle.result()).status == "rejected"
            assert len(stand_ins.tasks) == 2
            await keep(handle, "supplemented-then-rejected")

    asyncio.run(scenario())


def test_payout_tracker_counts_each_event_once_and_ends_the_case_on_a_clawback():
    async def scenario() -> None:
        stand_ins = StandIns(steps=1)
        async with time_skipping(stand_ins, [ApplicationCaseWorkflow]) as env:
            paid, clawed = await start_case(env, "APP-PAID"), await start_case(env, "APP-CLAWED")
            await until(lambda: len(stand_ins.tasks) == 2, what="both cases' tasks")
            for handle in (paid, clawed):
                task = next(f"TASK-{n}" for n, t in enumerate(stand_ins.tasks, 1) if t.case_id == handle.id)
                await handle.signal("decision_recorded", decision(task, amount_fen=200_000))
                await status_is(handle, "payout_planned")
            for signal in (stage("E-1", "approved", amount_fen=200_000), stage("E-2", "failed", reason="账户信息有误")):
                await paid.signal("payout_stage_changed", signal)
            await asyncio.sleep(0.3)
            assert await paid.query("status") == "payout_planned", "approved and failed stages are not paid"
            for _ in range(2):
                await paid.signal("payout_stage_changed", stage("E-3", "disbursed", amount_fen=200_000))
            outcome = await paid.result()
            assert outcome.status == "completed" and outcome.disbursed_fen == 200_000, "the repeated event counted once"

            await clawed.signal("payout_stage_changed", stage("E-9", "clawed_back", amount_fen=200_000, reason="异议成立"))
            outcome = await clawed.result()
            assert outcome.status == "clawed_back" and outcome.reason == "异议成立" and outcome.disbursed_fen == 0
            await keep(clawed, "clawed-back")

    asyncio.run(scenario())


def test_payout_tracker_never_steps_a_stage_back_and_waits_for_every_phase_of_a_referral_award():
    """9.2.1 in two phases: a stale 'approved' for a paid stage arrives after it was disbursed; the
    award is paid once both stages are disbursed."""
    async def scenario() -> None:
        stand_ins = StandIns(steps=1)
        project = ReferralProjectRef(project_id="REF-1", referrer=APPLICANT, investee=APPLICANT.model_copy(
            update={"uscc": "91140400EKB845UM0G", "name": "被引进企业"}), project_code="P-1", project_name="测试项目",
            planned_fai_fen=100_000_000_00)
        async with time_skipping(stand_ins, [ReferralAwardWorkflow]) as env:
            handle = await env.client.start_workflow("ReferralAward", ReferralAwardInput(project=project), id="REF-1",
                                                     task_queue=TASK_QUEUE, result_type=ReferralOutcome)
            for number, complete in ((1, False), (2, True)):
                await handle.signal("progress_reported", ReferralReportSignal(
                    event_id=f"E-report-{number}", report_id=f"R-{number}", completed_fai_fen=50_000_000_00 * number,
                    investment_complete=complete, in_production=True, as_of="2026-06-30"))
                await until(lambda: len(stand_ins.tasks) == number, what=f"phase {number}'s task")
                assert stand_ins.tasks[-1].facts["phase"] == f"phase_{number}"
                approved = decision(f"TASK-{number}", amount_fen=1_000_000 * number)
                approved.determination = approved.determination.model_copy(update={"option": f"phase_{number}",
                                                                                    "facts": {"completed_fai_yuan": "1"}})
                await handle.signal("decision_recorded", approved)
                await status_is(handle, "awaiting_report" if number == 1 else "fully_awarded")
                await handle.signal("payout_stage_changed", stage(f"E-paid-{number}", "disbursed", stage_id=f"STG-{number}",
                                                                  sequence=number, amount_fen=1_000_000 * number))
                await handle.signal("payout_stage_changed", stage(f"E-stale-{number}", "approved", stage_id=f"STG-{number}",
                                                                  sequence=number, amount_fen=1_000_000 * number))
            outcome = await handle.result()
            assert outcome.status == "paid" and outcome.disbursed_fen == 3_000_000 and outcome.awards_fen == [1_000_000, 2_000_000]
            assert len(stand_ins.asked("payout.open_plan")) == 1 and len(stand_ins.asked("payout.add_stage")) == 1
            await keep(handle, "two-phases-paid")

    asyncio.run(scenario())
