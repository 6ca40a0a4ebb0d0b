"""The case workflows' building blocks, samples-style: ApplicationCase and ReferralAward on the
time-skipping server with review, payout and intake stood in by activity name (tests/support/stand_ins),
the test sending the bridge's signals. DecisionInbox, SupplementInbox (the 补正 loop, including a
resubmission that arrives in the same activation as the request) and PayoutTracker."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from contracts.events.intake import ReferralProjectRef
from contracts.workflows import ApplicationCaseInput, ReferralAwardInput, ReferralReportSignal
from tests.support.histories import keep
from tests.support.stand_ins import (
    APPLICANT,
    TASK_QUEUE,
    StandIns,
    decision,
    due_dated,
    idle,
    resubmission,
    server,
    signalled_in_one_workflow_task,
    stage,
    time_skipping,
    until,
    until_status,
    worker,
)
from workflows.application_case import ApplicationCaseWorkflow, CaseOutcome
from workflows.referral_award import ReferralAwardWorkflow, ReferralOutcome

pytestmark = pytest.mark.workflow
READS = ("policies.review_route", "payout.prior_awards")


async def activity_tasks(handle: WorkflowHandle) -> list[str]:
    """The activities the case ran through Temporal's task queue (local activities are only markers)."""
    history = await handle.fetch_history()
    return [event.activity_task_scheduled_event_attributes.activity_type.name for event in history.events
            if event.HasField("activity_task_scheduled_event_attributes")]


async def start_case(env: WorkflowEnvironment, case_id: str = "APP-1") -> WorkflowHandle:
    return await env.client.start_workflow(
        "ApplicationCase", ApplicationCaseInput(case_id=case_id, clause_id="test-clause", applicant=APPLICANT,
                                                facts={"receipts_yuan": "5000000"}),
        id=case_id, task_queue=TASK_QUEUE, result_type=CaseOutcome)


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
            await until_status(handle, "payout_planned")
            assert [p.determination.amount_fen for p in stand_ins.asked("payout.open_plan")] == [150_000]
            assert await handle.query("applied_events") == sorted(
                ["E-TASK-7-approve", "E-TASK-1-approve", "E-late", "E-TASK-2-approve"])
            await handle.signal("payout_stage_changed", stage("E-paid", "disbursed", amount_fen=150_000))
            outcome = await handle.result()
            assert outcome.status == "completed" and outcome.amount_fen == 150_000
            assert await activity_tasks(handle) == ["review.open_task", "review.open_task", "payout.open_plan"], \
                "the route and the prior awards are read in the workflow task that needs them (local activities)"
            assert [call for call, _ in stand_ins.calls if call in READS] == ["policies.review_route", "payout.prior_awards"]
            await keep(handle, "approved-and-paid-reads-local")

    asyncio.run(scenario())


def test_a_supplement_request_waits_for_one_resubmission_and_reopens_the_step_with_its_facts():
    async def scenario() -> None:
        stand_ins = StandIns(steps=1)
        async with time_skipping(stand_ins, [ApplicationCaseWorkflow]) as env:
            handle = await start_case(env)
            await until(lambda: stand_ins.tasks, what="the task")
            await handle.signal("decision_recorded", decision("TASK-1", "supplement"))
            await until_status(handle, "supplement_requested")
            await handle.signal("resubmitted", resubmission("E-resub", receipts_yuan="3000000"))
            await handle.signal("resubmitted", resubmission("E-resub", receipts_yuan="1"))  # the same event again
            reopened = await until(lambda: len(stand_ins.tasks) == 2 and stand_ins.tasks[1], what="the reopened step")
            assert reopened.resumes_task_id == "TASK-1" and "补正后" in reopened.title
            assert reopened.facts == {"receipts_yuan": "3000000"}
            await until_status(handle, "under_review")
            await handle.signal("decision_recorded", decision("TASK-2", "reject"))
            assert (await handle.result()).status == "rejected"
            assert len(stand_ins.tasks) == 2
            await keep(handle, "supplemented-then-rejected")

    asyncio.run(scenario())


async def asked_and_resubmitted_while_no_worker_runs(env: WorkflowEnvironment, stand_ins: StandIns,
                                                    case_id: str) -> WorkflowHandle:
    """A case whose first task is open; then, with no worker running (and none caching the case), the
    department's 补正 request and the applicant's resubmission: the next worker gets both in one activation."""
    async with worker(env, stand_ins, [ApplicationCaseWorkflow], max_cached_workflows=0):
        handle = await start_case(env, case_id)
        await until(lambda: stand_ins.tasks, what="the task")
        await idle(handle)
    await handle.signal("decision_recorded", decision("TASK-1", "supplement"))
    await handle.signal("resubmitted", resubmission("E-resub", receipts_yuan="3000000"))
    return handle


def test_a_resubmission_in_the_same_activation_as_the_supplement_request_reopens_the_step():
    """Issue 11 item 5: the worker was away while the department asked for 补正 and the applicant
    resubmitted; both signals reach the case in one activation. The resubmission must not be dropped."""
    async def scenario() -> None:
        stand_ins = StandIns(steps=1)
        async with await server() as env:
            handle = await asked_and_resubmitted_while_no_worker_runs(env, stand_ins, "APP-RACE")
            async with worker(env, stand_ins, [ApplicationCaseWorkflow], max_cached_workflows=0):
                try:
                    await until(lambda: len(stand_ins.tasks) == 2, what="the reopened step", timeout=30)
                finally:
                    history = await handle.fetch_history()
                    assert signalled_in_one_workflow_task(history, "decision_recorded", "resubmitted"), \
                        "the race was not reproduced"
                    await keep(handle, "resubmitted-with-the-request")
                assert stand_ins.tasks[1].resumes_task_id == "TASK-1"
                assert stand_ins.tasks[1].facts == {"receipts_yuan": "3000000"}
                await handle.signal("decision_recorded", decision("TASK-2", amount_fen=150_000))
                await until_status(handle, "payout_planned")

    asyncio.run(scenario())


def test_a_case_the_race_left_waiting_before_the_fix_continues_when_the_resubmission_is_signalled_again():
    """A case that met the race before the fix has no patch marker in its history: it replays as it ran
    and still waits. Signalling the resubmission again (a new event id; docs/workflows.md) reopens the step."""
    async def scenario() -> None:
        stand_ins = StandIns(steps=1)
        async with await server() as env:
            handle = await asked_and_resubmitted_while_no_worker_runs(env, stand_ins, "APP-HUNG")
            # a worker on the code before the fix: the patch is not taken, the resubmission is dropped
            before_the_fix = worker(env, stand_ins, [ApplicationCaseWorkflow], max_cached_workflows=0,
                                    patch_activation_callback=lambda _: False)
            async with before_the_fix:
                await until_status(handle, "supplement_requested")
                await idle(handle)
            async with worker(env, stand_ins, [ApplicationCaseWorkflow], max_cached_workflows=0):
                await handle.signal("resubmitted", resubmission("E-resub-resent", receipts_yuan="3000000"))
                await until(lambda: len(stand_ins.tasks) == 2, what="the reopened step")
                assert stand_ins.tasks[1].facts == {"receipts_yuan": "3000000"}
                await handle.signal("decision_recorded", decision("TASK-2", "reject"))
                assert (await handle.result()).status == "rejected"
                await keep(handle, "hung-then-resubmitted-again")

    asyncio.run(scenario())


def test_payout_tracker_settles_a_case_when_its_stage_is_disbursed_or_clawed_back():
    async def scenario() -> None:
        stand_ins = StandIns(steps=1)
        async with time_skipping(stand_ins, [ApplicationCaseWorkflow]) as env:
            paid, clawed = await start_case(env, "APP-PAID"), await start_case(env, "APP-CLAWED")
            await until(lambda: len(stand_ins.tasks) == 2, what="both cases' tasks")
            for handle in (paid, clawed):
                task = next(f"TASK-{n}" for n, t in enumerate(stand_ins.tasks, 1) if t.case_id == handle.id)
                await handle.signal("decision_recorded", decision(task, amount_fen=200_000))
                await until_status(handle, "payout_planned")
            for signal in (stage("E-1", "approved", amount_fen=200_000), stage("E-2", "failed", reason="账户信息有误")):
                await paid.signal("payout_stage_changed", signal)
            await asyncio.sleep(0.3)
            assert await paid.query("status") == "payout_planned", "approved and failed stages are not paid"
            # both signalled before either result is awaited: awaiting a result lets the time-skipping server
            # jump ahead, and an idle workflow without timers would run into its 10-year execution timeout
            await paid.signal("payout_stage_changed", stage("E-3", "disbursed", amount_fen=200_000))
            await clawed.signal("payout_stage_changed", stage("E-9", "clawed_back", amount_fen=200_000, reason="异议成立"))
            outcome = await paid.result()
            assert outcome.status == "completed" and outcome.disbursed_fen == 200_000
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
                await until_status(handle, "awaiting_report" if number == 1 else "fully_awarded")
                await handle.signal("payout_stage_changed", stage(f"E-paid-{number}", "disbursed", stage_id=f"STG-{number}",
                                                                  sequence=number, amount_fen=1_000_000 * number))
                await handle.signal("payout_stage_changed", stage(f"E-stale-{number}", "approved", stage_id=f"STG-{number}",
                                                                  sequence=number, amount_fen=1_000_000 * number))
            outcome = await handle.result()
            assert outcome.status == "paid" and outcome.disbursed_fen == 3_000_000 and outcome.awards_fen == [1_000_000, 2_000_000]
            assert len(stand_ins.asked("payout.open_plan")) == 1 and len(stand_ins.asked("payout.add_stage")) == 1
            await keep(handle, "two-phases-paid-reads-local")

    asyncio.run(scenario())


def test_a_task_opened_without_a_due_date_is_chased_once_review_dates_it():
    """The step's working days reached a year whose holiday schedule was not loaded: the task has no due date
    and nobody is reminded; when an admin loads the year, review dates the task and the case chases it."""
    async def scenario() -> None:
        stand_ins = StandIns(steps=1)  # no due_in: TASK-1 opens without a due date
        async with time_skipping(stand_ins, [ApplicationCaseWorkflow]) as env:
            handle = await start_case(env, "APP-DUE")
            await until(lambda: stand_ins.tasks, what="the task")
            await env.sleep(timedelta(days=30))
            assert not stand_ins.asked("review.remind_task"), "without a due date nobody is reminded"
            due_at = await env.get_current_time() + timedelta(days=5)
            await handle.signal("task_due_dated", due_dated("TASK-7", due_at - timedelta(days=4)))  # not this case's task
            await handle.signal("task_due_dated", due_dated("TASK-1", due_at))
            await handle.signal("task_due_dated", due_dated("TASK-1", due_at - timedelta(days=4)))  # the same event again
            await env.sleep(timedelta(days=4, hours=23))
            assert not stand_ins.asked("review.remind_task"), "not before the due date"
            await env.sleep(timedelta(hours=2))
            reminded = await until(lambda: stand_ins.asked("review.remind_task"), what="the reminder")
            assert [r.task_id for r in reminded] == ["TASK-1"]
            await handle.signal("decision_recorded", decision("TASK-1", amount_fen=150_000))
            await until_status(handle, "payout_planned")
            await handle.signal("payout_stage_changed", stage("E-paid", "disbursed", amount_fen=150_000))
            assert (await handle.result()).status == "completed"
            assert stand_ins.count("review.remind_task") == 1 and not stand_ins.asked("review.escalate_task")
            await keep(handle, "due-dated-then-reminded")

    asyncio.run(scenario())


def test_a_due_date_a_worker_before_the_signal_existed_kept_unhandled_replays_without_chasing():
    """Deployed in turn: the bridge may send the due date to a case a worker on the code before still runs,
    which keeps the signal unhandled and waits for the decision. Today's code replays that history (no patch
    marker) as it ran: the case is not chased, and the decision still moves it on."""
    async def scenario() -> None:
        stand_ins = StandIns(steps=1)
        async with await server() as env:
            handle = await start_case(env, "APP-DUE-BEFORE")
            before = worker(env, stand_ins, [ApplicationCaseWorkflow], max_cached_workflows=0,
                            patch_activation_callback=lambda _: False)
            async with before:
                await until(lambda: stand_ins.tasks, what="the task")
                await handle.signal("task_due_dated", due_dated("TASK-1", await env.get_current_time() + timedelta(days=1)))
                await idle(handle)
            async with worker(env, stand_ins, [ApplicationCaseWorkflow], max_cached_workflows=0):
                await env.sleep(timedelta(days=3))
                await handle.signal("decision_recorded", decision("TASK-1", "reject"))
                assert (await handle.result()).status == "rejected"
            assert not stand_ins.asked("review.remind_task")
            await keep(handle, "due-dated-unhandled-then-rejected")

    asyncio.run(scenario())
