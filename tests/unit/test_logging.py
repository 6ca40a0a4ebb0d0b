"""Logs go to the stdout of the moment: a swapped and closed stream never breaks a later log call."""
from __future__ import annotations

import io
import json
import sys

import structlog

from infra.logging import configure_logging


def test_a_log_call_after_the_stream_was_swapped_and_closed_writes_to_the_new_stream(monkeypatch):
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", first)
    configure_logging("unit")
    try:
        _swap_and_log(monkeypatch, first, second)
    finally:
        structlog.contextvars.unbind_contextvars("service")


def _swap_and_log(monkeypatch, first: io.StringIO, second: io.StringIO) -> None:  # type: ignore[no-untyped-def]
    log = structlog.get_logger("unit")
    log.info("before_swap", message_id="M-1")
    first_lines = first.getvalue().splitlines()
    first.close()
    monkeypatch.setattr(sys, "stdout", second)
    log.warning("after_swap", message_id="M-2")  # raised "I/O operation on closed file" with a stream fixed at configure time
    record = json.loads(second.getvalue())
    assert [json.loads(line)["message"] for line in first_lines] == ["before_swap"]
    assert record["message"] == "after_swap" and record["message_id"] == "M-2" and record["level"] == "warning"
    assert record["service"] == "unit"
