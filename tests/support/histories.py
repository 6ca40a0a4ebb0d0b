"""Recorded workflow histories for the replay test (tests/workflows/test_replay.py).

A test calls `await keep(handle, "scenario")` once its workflow has run the path worth keeping. With
RECORD_WORKFLOW_HISTORIES=1 the history is written to tests/workflows/histories/<Type>-<scenario>.json
unless that file exists: a kept history is what running workflows look like, so it is never
re-recorded to make the replay test pass (see docs/workflows.md). Without the variable nothing is written."""
from __future__ import annotations

import json
import os
from pathlib import Path

from temporalio.client import WorkflowHandle

HISTORIES = Path(__file__).parents[1] / "workflows" / "histories"


def recording() -> bool:
    return os.environ.get("RECORD_WORKFLOW_HISTORIES", "") not in ("", "0")


async def keep(handle: WorkflowHandle, scenario: str) -> Path | None:
    if not recording():
        return None
    history = await handle.fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    path = HISTORIES / f"{started.workflow_type.name}-{scenario}.json"
    if path.exists():
        return None
    HISTORIES.mkdir(exist_ok=True)
    path.write_text(json.dumps(history.to_json_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
