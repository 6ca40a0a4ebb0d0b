"""Every recorded history still replays on today's workflow code (temporalio.worker.Replayer).

A workflow that is running while a new worker is deployed is replayed from its history; code that would
issue different commands for that history fails the workflow task (nondeterminism) and the case stops.
The histories in tests/workflows/histories/ were recorded from the samples-style workflow tests (see
tests/support/histories.py and docs/workflows.md); some come from code older than today's, which is the point."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.support.histories import HISTORIES
from workflows.worker import WORKFLOWS

pytestmark = pytest.mark.workflow
RECORDED = sorted(HISTORIES.glob("*.json"))


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, json.loads(path.read_text(encoding="utf-8")))


def workflow_type(history: WorkflowHistory) -> str:
    return history.events[0].workflow_execution_started_event_attributes.workflow_type.name


def test_every_workflow_type_the_worker_runs_has_a_recorded_history():
    names = {cls.__temporal_workflow_definition.name for cls in WORKFLOWS}  # type: ignore[attr-defined]
    assert names <= {workflow_type(load(path)) for path in RECORDED}


@pytest.mark.parametrize("path", RECORDED, ids=lambda path: path.stem)
def test_a_recorded_history_replays_without_nondeterminism(path: Path):
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter)
    asyncio.run(replayer.replay_workflow(load(path)))
