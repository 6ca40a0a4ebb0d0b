"""Workflow tests in the Temporal samples' style: one workflow on the time-skipping server with its
activities stood in by name (each re-declared under the real activity's name, answering from memory
and recording what the workflow asked), and the test sending the signals the bridge would send.
Milliseconds per scenario; the services, broker and databases are exercised by the other workflow tests.
The same stand-ins serve tests that run the real bridge and worker without the services (TemporalHarness
with `activities=stand_ins.all()`): they publish the events `submitted` and `approved` build."""
from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel
from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from contracts.api.payout import AddPayoutStage, OpenPayoutPlan, PayoutPlanRef, PriorAwardList, PriorAwardsQuery
from contracts.api.review import OpenTask, TaskRef
from contracts.api.selection import DrawPanel, OpenPublicity, PanelMember, PanelRef, PublicityEntryState, PublicityState
from contracts.common import ApplicantRef, Citation, DeterminationRef
from contracts.envelope import EventEnvelope
from contracts.events.intake import ApplicationSubmitted
from contracts.events.review import DecisionRecorded
from contracts.workflows import DecisionSignal, PayoutStageSignal, ResubmissionSignal, TaskDueDatedSignal
from tests.support.temporal import test_server_path
from tests.support.tokens import make_uscc
from workflows.activities.intake import Acknowledged, ReportRequest
from workflows.activities.routing import Assignee, Route, RouteQuery
from workflows.activities.selection import PublicationRequest, PublicityQuery, RecommendationRequest
from workflows.activities.services import TaskEscalation, TaskReminder

T = TypeVar("T")
TASK_QUEUE = "stand-ins"
APPLICANT = ApplicantRef(uscc="91140400MA0GRAND6J", name="长治示例科技有限公司", kind="enterprise", region="140400")
STEPS = [Assignee(role="competent_department", organisation="140400.city_foreign_expert_center", department_name="长治市外国专家服务中心"),
         Assignee(role="competent_department", organisation="140400.city_science_bureau", department_name="长治市科技局")]


class StandIns:
    """What review, payout and intake answer, from memory. Task ids are TASK-1, TASK-2 … in opening order;
    a task is due `due_in` after its activity was scheduled (server time), or has no due date."""

    def __init__(self, *, steps: int = 2, due_in: timedelta | None = None, panel_size: int = 1,
                 publicity_ends_at: datetime | None = None) -> None:
        self.steps = STEPS[-steps:]
        self.due_in = due_in
        self.panel_size = panel_size
        self.publicity_ends_at = publicity_ends_at
        self.calls: list[tuple[str, BaseModel]] = []
        self.tasks: list[OpenTask] = []
        self.approved: set[str] = set()  # task ids a test has approved (its helpers' bookkeeping)
        self._ids = itertools.count(1)

    def asked(self, name: str) -> list[Any]:
        return [request for called, request in self.calls if called == name]

    def count(self, name: str) -> int:
        return len(self.asked(name))

    def all(self) -> list:
        return [self.review_route, self.open_task, self.remind_task, self.escalate_task, self.prior_awards,
                self.open_plan, self.add_stage, self.request_report, self.draw_panel, self.panel_recommendation,
                self.open_publicity, self.publicity_state, self.publish]

    def _due(self) -> datetime | None:
        return activity.info().scheduled_time + self.due_in if self.due_in else None

    @activity.defn(name="policies.review_route")
    async def review_route(self, query: RouteQuery) -> Route:
        self.calls.append(("policies.review_route", query))
        return Route(clause_title="测试条款", steps=self.steps)

    @activity.defn(name="review.open_task")
    async def open_task(self, command: OpenTask) -> TaskRef:
        self.calls.append(("review.open_task", command))
        self.tasks.append(command)
        return TaskRef(task_id=f"TASK-{len(self.tasks)}", case_id=command.case_id, status="open", due_at=self._due())

    @activity.defn(name="review.remind_task")
    async def remind_task(self, request: TaskReminder) -> TaskRef:
        self.calls.append(("review.remind_task", request))
        return TaskRef(task_id=request.task_id, case_id="", status="open")

    @activity.defn(name="review.escalate_task")
    async def escalate_task(self, request: TaskEscalation) -> TaskRef:
        self.calls.append(("review.escalate_task", request))
        return TaskRef(task_id=request.task_id, case_id="", status="open")

    @activity.defn(name="payout.prior_awards")
    async def prior_awards(self, query: PriorAwardsQuery) -> PriorAwardList:
        self.calls.append(("payout.prior_awards", query))
        return PriorAwardList([])

    @activity.defn(name="payout.open_plan")
    async def open_plan(self, command: OpenPayoutPlan) -> PayoutPlanRef:
        self.calls.append(("payout.open_plan", command))
        return PayoutPlanRef(plan_id="PLAN-1", case_id=command.case_id, total_fen=command.determination.amount_fen,
                             status="open")

    @activity.defn(name="payout.add_stage")
    async def add_stage(self, command: AddPayoutStage) -> PayoutPlanRef:
        self.calls.append(("payout.add_stage", command))
        return PayoutPlanRef(plan_id=command.plan_id, case_id="", total_fen=command.determination.amount_fen, status="open")

    @activity.defn(name="intake.request_referral_report")
    async def request_report(self, request: ReportRequest) -> Acknowledged:
        self.calls.append(("intake.request_referral_report", request))
        return Acknowledged(id=f"REQ-{next(self._ids)}")

    @activity.defn(name="review.draw_panel")
    async def draw_panel(self, command: DrawPanel) -> PanelRef:
        self.calls.append(("review.draw_panel", command))
        members = []
        for number in range(1, self.panel_size + 1):
            self.tasks.append(OpenTask(case_id=command.case_id, kind="expert_review", title=command.title,
                                       assignee_role="expert", assignee_org=f"expert-{number}"))
            members.append(PanelMember(expert_id=f"expert-{number}", name=f"专家{number}",
                                       task_id=f"TASK-{len(self.tasks)}", due_at=self._due()))
        return PanelRef(case_id=command.case_id, seed=command.seed, quorum=self.panel_size, members=members, recused=[])

    @activity.defn(name="review.panel_recommendation")
    async def panel_recommendation(self, request: RecommendationRequest) -> PanelRef:
        self.calls.append(("review.panel_recommendation", request))
        return PanelRef(case_id=request.case_id, seed=0, quorum=self.panel_size, members=[], recused=[])

    @activity.defn(name="review.open_publicity")
    async def open_publicity(self, command: OpenPublicity) -> PublicityState:
        self.calls.append(("review.open_publicity", command))
        return PublicityState(round_id=command.round_id, status="open", starts_on=command.starts_on,
                              ends_at=self.publicity_ends_at,
                              entries=[PublicityEntryState(candidacy_id=e.candidacy_id, status="listed") for e in command.entries])

    @activity.defn(name="review.publicity_state")
    async def publicity_state(self, query: PublicityQuery) -> PublicityState:
        self.calls.append(("review.publicity_state", query))
        opened: OpenPublicity = self.asked("review.open_publicity")[-1]
        return PublicityState(round_id=query.round_id, status="open", starts_on=opened.starts_on, ends_at=self.publicity_ends_at)

    @activity.defn(name="review.publish_selection")
    async def publish(self, request: PublicationRequest) -> PublicityState:
        self.calls.append(("review.publish_selection", request))
        opened: OpenPublicity = self.asked("review.open_publicity")[-1]
        return PublicityState(round_id=request.round_id, status="published", starts_on=opened.starts_on,
                              ends_at=self.publicity_ends_at, published_on=request.publish.as_of.date(),
                              entries=[PublicityEntryState(candidacy_id=e.candidacy_id, status="published")
                                       for e in opened.entries])


def worker(env: WorkflowEnvironment, stand_ins: StandIns, workflows: list[type], **options: Any) -> Worker:
    return Worker(env.client, task_queue=TASK_QUEUE, workflows=workflows, activities=stand_ins.all(), **options)


def server() -> Any:
    """A fresh time-skipping test server (use with `async with await server()`)."""
    return WorkflowEnvironment.start_time_skipping(test_server_existing_path=test_server_path(),
                                                  data_converter=pydantic_data_converter)


@asynccontextmanager
async def time_skipping(stand_ins: StandIns, workflows: list[type]) -> AsyncIterator[WorkflowEnvironment]:
    """A fresh time-skipping server with one worker running `workflows` on the stand-ins."""
    async with await server() as env, worker(env, stand_ins, workflows):
        yield env


async def until(probe: Callable[[], T], *, what: str, timeout: float = 20) -> T:
    """The first truthy result of `probe` (which may await nothing), or fail naming what never happened."""
    async with asyncio.timeout(timeout):
        while not (value := probe()):
            await asyncio.sleep(0.02)
    return value


async def until_status(handle: WorkflowHandle, expected: str, timeout: float = 20) -> None:
    """Wait until the workflow's `status` query answers `expected`."""
    async with asyncio.timeout(timeout):
        while await handle.query("status") != expected:
            await asyncio.sleep(0.02)


async def idle(handle: WorkflowHandle) -> None:
    """Wait until the workflow has no workflow task or activity outstanding, so a worker can leave
    without a task timing out behind it (tests that stop a worker to batch signals)."""
    async def outstanding() -> bool:
        events = (await handle.fetch_history()).events
        scheduled = sum(e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED for e in events)
        completed = sum(e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED for e in events)
        return events[-1].event_type != EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED or scheduled != completed
    async with asyncio.timeout(20):
        while await outstanding():
            await asyncio.sleep(0.02)


def signalled_in_one_workflow_task(history: WorkflowHistory, *names: str) -> bool:
    """Whether the signals `names` reached the workflow in one workflow task (one activation)."""
    batch: list[str] = []
    batches = [batch]
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
            batch = []
            batches.append(batch)
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            batch.append(event.workflow_execution_signaled_event_attributes.signal_name)
    return any(all(name in b for name in names) for b in batches)


def decision(task: str, decision: str = "approve", *, event: str | None = None, amount_fen: int | None = None,
             missing: list[str] | None = None) -> DecisionSignal:
    """The bridge's signal for a decision on `task` (event id: `event`, default E-<task>-<decision>)."""
    determination = None if amount_fen is None else DeterminationRef(
        clause_id="test-clause", amount_fen=amount_fen, citation=Citation(document_number="测试文号", clause_number="1"))
    return DecisionSignal(event_id=event or f"E-{task}-{decision}", task_id=task, decision=decision, reason="测试意见",
                          decided_by="officer-1", determination=determination,
                          missing_items=missing or (["技术合同登记证明"] if decision == "supplement" else []))


def resubmission(event: str, **facts: Any) -> ResubmissionSignal:
    return ResubmissionSignal(event_id=event, facts=facts)


def stage(event: str, status: str, *, stage_id: str = "STG-1", sequence: int = 1, amount_fen: int = 100_000,
          reason: str = "") -> PayoutStageSignal:
    plan_status = {"disbursed": "completed", "clawed_back": "clawed_back"}.get(status, "open")
    return PayoutStageSignal(event_id=event, plan_id="PLAN-1", stage_id=stage_id, sequence=sequence, status=status,
                             amount_fen=amount_fen, plan_status=plan_status, reason=reason)


def applicant() -> ApplicantRef:
    """An applicant of its own (a fresh USCC), for tests that share a Temporal server or broker."""
    return ApplicantRef(uscc=make_uscc(), name="长治测试企业有限公司", kind="enterprise", region="140400")


def submitted(case_id: str, who: ApplicantRef) -> EventEnvelope:
    """intake's event that starts a case, as the bridge receives it."""
    return EventEnvelope.wrap(
        ApplicationSubmitted(application_id=case_id, clause_id="test-clause", applicant=who, facts={},
                             submitted_at=datetime.now(UTC)),
        producer="intake", correlation_id=case_id,
    )


def approved(case_id: str, task: str = "TASK-1", amount_fen: int = 100_000_000) -> EventEnvelope:
    """review's event for the determining approval of `task` (the stand-ins' first task), fixing `amount_fen`."""
    return EventEnvelope.wrap(
        DecisionRecorded(task_id=task, case_id=case_id, kind="case_determination", decision="approve", reason="符合条件",
                         decided_by="officer-1",
                         determination=DeterminationRef(clause_id="test-clause", amount_fen=amount_fen,
                                                        citation=Citation(document_number="测试文号", clause_number="1"))),
        producer="review", correlation_id=case_id,
    )


def due_dated(task: str, due_at: datetime, *, event: str | None = None) -> TaskDueDatedSignal:
    """The bridge's signal for review.task.due_dated (event id: `event`, default E-<task>-due)."""
    return TaskDueDatedSignal(event_id=event or f"E-{task}-due", task_id=task, due_at=due_at)
