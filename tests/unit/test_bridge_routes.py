"""The bridge's routes: every event its queue is bound to has one, and review.task.due_dated becomes the
`task_due_dated` signal to the case's workflow (workflow id = the case's correlation id)."""
from __future__ import annotations

import datetime as dt

from contracts.envelope import EventEnvelope
from contracts.events.review import TaskDueDated
from contracts.topology import WORKFLOW_BRIDGE
from contracts.workflows import TaskDueDatedSignal
from workflows.bridge.routes import ROUTES, SignalWorkflow, translate


def test_every_event_the_bridge_queue_receives_has_a_route():
    assert sorted(set(WORKFLOW_BRIDGE.bindings) - set(ROUTES)) == []


def test_a_task_dated_later_signals_its_case_with_the_due_date_and_the_event_id():
    due_at = dt.datetime(2027, 1, 6, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    envelope = EventEnvelope.wrap(TaskDueDated(task_id="TASK-1", case_id="APP-1", kind="case_review",
                                               assignee_role="competent_department", assignee_org="140400.city_science_bureau",
                                               due_at=due_at), producer="review", correlation_id="APP-1")
    assert translate(envelope) == [SignalWorkflow("APP-1", "task_due_dated",
                                                  TaskDueDatedSignal(event_id=str(envelope.id), task_id="TASK-1", due_at=due_at))]
