"""A worker that dies in the middle of an activity holds it only for the activity's short
start-to-close timeout: the attempt is then retried (safe: every activity call carries its
idempotency key) and the case moves on, well before the minute the old timeout held it."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from temporalio import activity

from contracts.api.review import OpenTask, TaskRef
from tests.support.bus import publish_envelope
from tests.support.stand_ins import StandIns, applicant, submitted
from tests.support.temporal import TemporalHarness
from tests.support.waiting import eventually
from workflows.application_case import ApplicationCaseWorkflow

pytestmark = pytest.mark.workflow

OLD_START_TO_CLOSE = timedelta(seconds=60)


def test_an_activity_lost_with_its_worker_is_retried_and_the_case_moves_on_within_the_short_timeout(settings, amqp_url):
    stand_ins = StandIns(steps=1)

    @activity.defn(name="review.open_task")
    async def open_task_on_a_worker_that_dies_first(command: OpenTask) -> TaskRef:
        """The first attempt never answers, as if its worker had crashed; the retry does."""
        if activity.info().attempt == 1:
            await asyncio.sleep(3600)
        return await stand_ins.open_task(command)

    case_id = f"APP-CRASH-{settings.amqp_namespace}"
    activities = [a for a in stand_ins.all() if a != stand_ins.open_task] + [open_task_on_a_worker_that_dies_first]
    with TemporalHarness(settings, workflows=[ApplicationCaseWorkflow], activities=activities) as temporal:
        exchange = temporal.bridge_consumer.topology.exchange
        publish_envelope(amqp_url, exchange, submitted(case_id, applicant()))
        eventually(lambda: stand_ins.count("review.open_task") == 1, timeout=90, what="the retried attempt to open the task")
        eventually(lambda: temporal.status(case_id) == "under_review", what="the case to wait for its decision")

        history = temporal.run(temporal.handle(case_id).fetch_history()).events
        scheduled = next(e for e in history if e.HasField("activity_task_scheduled_event_attributes")
                         and e.activity_task_scheduled_event_attributes.activity_type.name == "review.open_task")
        started = next(e for e in history if e.HasField("activity_task_started_event_attributes")
                       and e.activity_task_started_event_attributes.scheduled_event_id == scheduled.event_id)
        completed = next(e for e in history if e.HasField("activity_task_completed_event_attributes")
                         and e.activity_task_completed_event_attributes.scheduled_event_id == scheduled.event_id)
    assert started.activity_task_started_event_attributes.attempt == 2, "the lost attempt was retried"
    held = completed.event_time.ToDatetime() - scheduled.event_time.ToDatetime()
    assert held < OLD_START_TO_CLOSE, f"the case waited {held} for a lost attempt"
