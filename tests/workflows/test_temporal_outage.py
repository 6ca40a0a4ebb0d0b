"""Temporal going away for two minutes while an official's decision is on its way to the case:
the bridge keeps the event and retries until Temporal is back, then the case moves on; nothing is
dead-lettered. (Before, every failed signal counted towards the delivery limit and the decision
ended in the dead-letter queue within a minute, its case waiting forever.)

Temporal's dev server runs in real time behind a cut proxy: the worker and the bridge lose it, the
test keeps looking. The outage lasts the 120 s the issue names; this is the suite's one slow test.
"""
from __future__ import annotations

import time

import pytest

from tests.support.bus import consumed, failed_attempts, publish_envelope, ready_messages
from tests.support.stand_ins import StandIns, applicant, approved, submitted
from tests.support.temporal import TemporalHarness
from tests.support.waiting import eventually
from workflows.application_case import ApplicationCaseWorkflow

pytestmark = pytest.mark.workflow

OUTAGE_SECONDS = 120


def signals(temporal: TemporalHarness, case_id: str) -> int:
    history = temporal.run(temporal.handle(case_id).fetch_history())
    return sum(1 for event in history.events if event.HasField("workflow_execution_signaled_event_attributes"))


def test_a_decision_sent_while_temporal_is_down_for_two_minutes_reaches_its_case_and_nothing_is_dead_lettered(
        settings, amqp_url):
    stand_ins = StandIns(steps=1)
    case_id = f"APP-OUTAGE-{settings.amqp_namespace}"
    with TemporalHarness(settings, workflows=[ApplicationCaseWorkflow], activities=stand_ins.all(),
                         dev_server=True, proxied=True) as temporal:
        queue = temporal.bridge_consumer.queue
        exchange = temporal.bridge_consumer.topology.exchange
        publish_envelope(amqp_url, exchange, submitted(case_id, applicant()))
        eventually(lambda: temporal.status(case_id) == "under_review" and stand_ins.count("review.open_task") == 1,
                   what="the case to wait for its decision")

        temporal.proxy.cut()
        cut_at = time.monotonic()
        failed_before = failed_attempts(queue.name)
        publish_envelope(amqp_url, exchange, approved(case_id))
        eventually(lambda: failed_attempts(queue.name) > failed_before, timeout=60,
                   what="the bridge to fail to signal the unreachable Temporal")
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - cut_at)))
        assert signals(temporal, case_id) == 0, "the decision has not reached the case during the outage"
        temporal.proxy.restore()

        eventually(lambda: temporal.status(case_id) == "payout_planned", timeout=90,
                   what="the case to take its decision and open the payout plan")
        assert (stand_ins.count("review.open_task"), stand_ins.count("payout.open_plan")) == (1, 1)
        assert signals(temporal, case_id) == 1
        assert ready_messages(amqp_url, queue.dead_letter_queue) == 0
        assert consumed(queue.name, "failed") == 0, "no failure was counted against the delivery limit"
