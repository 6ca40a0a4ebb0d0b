"""The selection workflows' building blocks, samples-style (tests/support/stand_ins): the approval route
(approval_steps) and its supervisors, the completeness check's 补正 loop (the one the case workflow shares),
and the publicity boundary: still open just before `ends_at`, published after."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from contracts.events.selection import CandidacyRef
from contracts.workflows import CandidacyInput, ListedSignal, NominationSignal, SelectionRoundInput
from policies.selection import approval_steps
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
    time_skipping,
    until,
    until_status,
    worker,
)
from workflows.selection import (
    CandidacyOutcome,
    RoundOutcome,
    SelectionCandidacyWorkflow,
    SelectionRoundWorkflow,
)

pytestmark = pytest.mark.workflow
CHAIN = "sx_photovoltaic"
BUREAU = ("city_industry_bureau", "140400.city_industry_bureau")


def candidacy(candidacy_id: str = "CAND-1", kind: str = "chain_leader") -> CandidacyRef:
    return CandidacyRef(candidacy_id=candidacy_id, round_id="ROUND-1", kind=kind, chain_id=CHAIN, enterprise=APPLICANT,
                        assignee_role=BUREAU[0], assignee_org=BUREAU[1], facts={"revenue_yuan": "100"},
                        precheck={"passed": False})


async def start_candidacy(env: WorkflowEnvironment, kind: str = "chain_leader", route: str = "leading_group") -> WorkflowHandle:
    return await env.client.start_workflow(
        "SelectionCandidacy", CandidacyInput(candidacy=candidacy(kind=kind), approval_route=route, year=2026),
        id="CAND-1", task_queue=TASK_QUEUE, result_type=CandidacyOutcome)


async def approve(handle: WorkflowHandle, stand_ins: StandIns, kind: str) -> None:
    """Wait for a task of `kind` not yet approved and approve its latest."""
    task = await until(lambda: next((f"TASK-{n}" for n, t in reversed(list(enumerate(stand_ins.tasks, 1)))
                                     if t.kind == kind and f"TASK-{n}" not in stand_ins.approved), None),
                       what=f"a {kind} task")
    stand_ins.approved.add(task)
    await handle.signal("decision_recorded", decision(task))


async def to_completeness_check(handle: WorkflowHandle, stand_ins: StandIns) -> None:
    await approve(handle, stand_ins, "city_recommendation")
    await handle.signal("listed", ListedSignal(event_id="E-listed", organisation=BUREAU[1]))
    await until(lambda: [t for t in stand_ins.tasks if t.kind == "completeness_check"], what="the completeness check")


async def through_experts(handle: WorkflowHandle, stand_ins: StandIns) -> None:
    await approve(handle, stand_ins, "completeness_check")
    await approve(handle, stand_ins, "expert_review")


def opened(stand_ins: StandIns, *kinds: str) -> list[tuple[str, str, str]]:
    return [(t.kind, t.assignee_role, t.assignee_org) for t in stand_ins.tasks if t.kind in kinds]


APPROVALS = ("chief_review", "lead_unit_submission", "selection_approval")


@pytest.mark.parametrize("kind, route", [("chain_leader", "leading_group"), ("chain_leader", "chiefs"),
                                         ("chain_core", "leading_group")])
def test_the_approval_route_opens_approval_steps_in_order_and_approves(kind: str, route: str):
    async def scenario() -> None:
        stand_ins = StandIns()
        async with time_skipping(stand_ins, [SelectionCandidacyWorkflow]) as env:
            handle = await start_candidacy(env, kind, route)
            await to_completeness_check(handle, stand_ins)
            await through_experts(handle, stand_ins)
            expected = approval_steps(kind, CHAIN, route)
            for step_kind, *_ in expected:
                await approve(handle, stand_ins, step_kind)
            outcome = await handle.result()
            assert outcome.status == "approved"
            assert opened(stand_ins, *APPROVALS) == [(k, role, org) for k, role, org, _ in expected]
            assert [label for *_, label in expected] == [t.title.split("：")[0] for t in stand_ins.tasks
                                                         if t.kind in APPROVALS]

    asyncio.run(scenario())


def test_approval_steps_name_the_seed_route_and_a_rejection_ends_it():
    assert [step[:3] for step in approval_steps("chain_leader", CHAIN, "chiefs")] == [
        ("chief_review", "chain_chief", f"{CHAIN}.chain_chief"), ("selection_approval", "chief_of_chiefs", "140000.chief_of_chiefs")]

    async def scenario() -> None:
        stand_ins = StandIns()
        async with time_skipping(stand_ins, [SelectionCandidacyWorkflow]) as env:
            handle = await start_candidacy(env, "chain_leader", "chiefs")
            await to_completeness_check(handle, stand_ins)
            await through_experts(handle, stand_ins)
            first = await until(lambda: [n for n, t in enumerate(stand_ins.tasks, 1) if t.kind == "chief_review"],
                                what="the chain chief's review")
            await handle.signal("decision_recorded", decision(f"TASK-{first[0]}", "reject"))
            outcome = await handle.result()
            assert outcome.status == "not_approved" and opened(stand_ins, *APPROVALS) == [
                ("chief_review", "chain_chief", f"{CHAIN}.chain_chief")], "the chief of chiefs never sees it"

    asyncio.run(scenario())


def test_an_overdue_lead_unit_is_reminded_then_reported_to_its_chain_chief():
    async def scenario() -> None:
        stand_ins = StandIns(due_in=timedelta(days=7))
        async with time_skipping(stand_ins, [SelectionCandidacyWorkflow]) as env:
            handle = await start_candidacy(env, "chain_core")
            await to_completeness_check(handle, stand_ins)
            await through_experts(handle, stand_ins)
            number = await until(lambda: [n for n, t in enumerate(stand_ins.tasks, 1) if t.kind == "lead_unit_submission"],
                                 what="the lead unit's submission")
            await env.sleep(timedelta(days=6, hours=23))
            assert not stand_ins.asked("review.remind_task"), "not before the due date"
            await env.sleep(timedelta(hours=2))
            reminded = await until(lambda: stand_ins.asked("review.remind_task"), what="the reminder")
            assert [r.task_id for r in reminded] == [f"TASK-{number[0]}"]
            await env.sleep(timedelta(days=8))
            escalated = await until(lambda: stand_ins.asked("review.escalate_task"), what="the report to the chain chief")
            assert [(e.task_id, e.escalation.supervising_org) for e in escalated] == [
                (f"TASK-{number[0]}", f"{CHAIN}.chain_chief")]

    asyncio.run(scenario())


def test_a_completeness_supplement_stops_the_clock_and_reopens_the_check_with_the_resubmission():
    async def scenario() -> None:
        stand_ins = StandIns()
        async with time_skipping(stand_ins, [SelectionCandidacyWorkflow]) as env:
            handle = await start_candidacy(env)
            await to_completeness_check(handle, stand_ins)
            await handle.signal("decision_recorded", decision("TASK-2", "supplement"))
            await until_status(handle, "supplement_requested")
            sla = await handle.query("sla")
            assert not sla["running"] and sla["supplements"] == 1
            await handle.signal("resubmitted", resubmission("E-resub", revenue_yuan="200").model_copy(
                update={"precheck": {"passed": True}}))
            reopened = await until(lambda: len(stand_ins.tasks) == 3 and stand_ins.tasks[2], what="the check to reopen")
            assert reopened.kind == "completeness_check" and reopened.resumes_task_id == "TASK-2"
            assert reopened.facts["declared"] == {"revenue_yuan": "200"} and reopened.facts["precheck"] == {"passed": True}
            assert "补正后" in reopened.title and (await handle.query("sla"))["running"]
            await through_experts(handle, stand_ins)
            await approve(handle, stand_ins, "selection_approval")
            assert (await handle.result()).status == "approved"
            await keep(handle, "supplemented-and-approved")

    asyncio.run(scenario())


def test_a_completeness_resubmission_in_the_same_activation_as_the_request_reopens_the_check():
    async def scenario() -> None:
        stand_ins = StandIns()
        async with await server() as env:
            async with worker(env, stand_ins, [SelectionCandidacyWorkflow], max_cached_workflows=0):
                handle = await start_candidacy(env)
                await to_completeness_check(handle, stand_ins)
                await idle(handle)
            await handle.signal("decision_recorded", decision("TASK-2", "supplement"))
            await handle.signal("resubmitted", resubmission("E-resub", revenue_yuan="200"))
            async with worker(env, stand_ins, [SelectionCandidacyWorkflow], max_cached_workflows=0):
                await until(lambda: len(stand_ins.tasks) == 3, what="the check to reopen", timeout=30)
                assert signalled_in_one_workflow_task(await handle.fetch_history(), "decision_recorded", "resubmitted")
                assert stand_ins.tasks[2].resumes_task_id == "TASK-2"
                await keep(handle, "resubmitted-with-the-request")

    asyncio.run(scenario())


def test_the_publicity_is_open_until_just_before_its_end_and_published_after():
    async def scenario() -> None:
        stand_ins = StandIns()
        async with time_skipping(stand_ins, [SelectionRoundWorkflow, SelectionCandidacyWorkflow]) as env:
            now = await env.get_current_time()
            stand_ins.publicity_ends_at = ends_at = now + timedelta(days=12, hours=3)
            selection = await env.client.start_workflow(
                "SelectionRound", SelectionRoundInput(round_id="ROUND-1", year=2026, kind="chain_leader", chain_ids=[CHAIN],
                                                      nomination_closes_at=now + timedelta(hours=1)),
                id="ROUND-1", task_queue=TASK_QUEUE, result_type=RoundOutcome)
            await selection.signal("nominated", NominationSignal(event_id="E-nominated", candidacy=candidacy()))
            child = env.client.get_workflow_handle("CAND-1", result_type=CandidacyOutcome)
            await to_completeness_check(child, stand_ins)
            await through_experts(child, stand_ins)
            await approve(child, stand_ins, "selection_approval")
            await env.sleep(timedelta(hours=1))  # the nomination window closes
            await until_status(selection, "in_publicity")
            await env.sleep(ends_at - await env.get_current_time() - timedelta(minutes=1))
            await asyncio.sleep(0.3)
            assert await selection.query("status") == "in_publicity" and not stand_ins.asked("review.publish_selection")
            await env.sleep(timedelta(minutes=2))
            outcome = await selection.result()
            assert outcome.status == "published" and outcome.published == ["CAND-1"]
            [published] = stand_ins.asked("review.publish_selection")
            assert published.publish.as_of >= ends_at
            await keep(selection, "published")
            await keep(child, "approved")

    asyncio.run(scenario())


def test_an_undated_panel_is_chased_once_review_dates_its_experts_tasks():
    """The panel's working days reached a year whose holiday schedule was not loaded: its experts' tasks have no
    due date and nobody is reminded; once an admin loads the year and review dates them, the experts who have
    not scored are reminded past the date, like a panel drawn with its due dates."""
    async def scenario() -> None:
        stand_ins = StandIns(panel_size=2)  # no due_in: the experts' tasks open without a due date
        async with time_skipping(stand_ins, [SelectionCandidacyWorkflow]) as env:
            handle = await start_candidacy(env)
            await to_completeness_check(handle, stand_ins)
            await approve(handle, stand_ins, "completeness_check")
            experts = await until(lambda: [f"TASK-{n}" for n, t in enumerate(stand_ins.tasks, 1) if t.kind == "expert_review"],
                                  what="the panel's tasks")
            await env.sleep(timedelta(days=3))
            assert not stand_ins.asked("review.remind_task"), "without a due date nobody is reminded"
            due_at = await env.get_current_time() + timedelta(days=2)
            for task in experts:
                await handle.signal("task_due_dated", due_dated(task, due_at))
            stand_ins.approved.add(experts[0])
            await handle.signal("decision_recorded", decision(experts[0]))  # the first expert scores in time
            await env.sleep(timedelta(days=1, hours=23))
            assert not stand_ins.asked("review.remind_task"), "not before the due date"
            await env.sleep(timedelta(hours=2))
            reminded = await until(lambda: stand_ins.asked("review.remind_task"), what="the reminder")
            assert [r.task_id for r in reminded] == [experts[1]], "only the expert who has not scored"
            stand_ins.approved.add(experts[1])
            await handle.signal("decision_recorded", decision(experts[1]))
            await until(lambda: [t for t in stand_ins.tasks if t.kind in APPROVALS], what="the approval steps after the panel")
            await keep(handle, "panel-due-dated-then-reminded")

    asyncio.run(scenario())
