"""The bridge is idempotent: a repeated event never starts a second workflow or applies a signal twice."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from temporalio.client import WorkflowFailureError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from contracts.envelope import EventEnvelope
from contracts.events.payout import PayoutStageDisbursed
from contracts.workflows import DecisionSignal
from tests.support.bus import consumed, publish_envelope
from tests.support.stand_ins import StandIns, applicant, approved, submitted
from tests.support.temporal import TemporalHarness, dev_server_path
from tests.support.waiting import eventually
from tests.workflows.signal_counter import SignalCounter
from workflows.application_case import ApplicationCaseWorkflow
from workflows.bridge.routes import SignalWorkflow
from workflows.bridge.service import Bridge

pytestmark = pytest.mark.workflow


def publish_twice(amqp_url: str, exchange: str, envelope: EventEnvelope) -> None:
    publish_envelope(amqp_url, exchange, envelope, times=2)


def test_the_same_events_delivered_twice_start_one_workflow_and_apply_one_signal(settings, amqp_url):
    stand_ins = StandIns(steps=1)
    who = applicant()
    case_id = f"APP-DEDUP-{settings.amqp_namespace}"
    opening = submitted(case_id, who)
    decided = approved(case_id)
    with TemporalHarness(settings, workflows=[ApplicationCaseWorkflow], activities=stand_ins.all()) as temporal:
        queue = temporal.bridge_consumer.queue.name
        exchange = temporal.bridge_consumer.topology.exchange
        publish_twice(amqp_url, exchange, opening)
        eventually(lambda: consumed(queue) >= 2, what="both start events handled")
        eventually(lambda: stand_ins.count("review.open_task") == 1, what="the workflow to open its task")
        publish_twice(amqp_url, exchange, decided)
        eventually(lambda: consumed(queue) >= 4, what="both decision events handled")

        eventually(lambda: temporal.status(case_id) == "payout_planned", what="the plan to be opened")
        paid = EventEnvelope.wrap(
            PayoutStageDisbursed(plan_id="PLAN-1", case_id=case_id, stage_id="STG-1", sequence=1, clause_id="test-clause",
                                 recipient=who, amount_fen=100_000_000, plan_status="completed",
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
        assert (stand_ins.count("review.open_task"), stand_ins.count("payout.open_plan")) == (1, 1)


def test_the_real_server_drops_a_repeated_bridge_signal_by_its_event_id():
    """On Temporal's dev server (the one `make up` runs) a re-delivered event signals once."""

    async def scenario() -> tuple[int, int]:
        async with await WorkflowEnvironment.start_local(
            dev_server_existing_path=dev_server_path(), data_converter=pydantic_data_converter
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
