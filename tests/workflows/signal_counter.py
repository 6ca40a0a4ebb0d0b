"""A workflow that counts the signals it receives (kept apart: the sandbox re-imports its module)."""
from __future__ import annotations

from datetime import timedelta

from temporalio import workflow


@workflow.defn(name="SignalCounter")
class SignalCounter:
    def __init__(self) -> None:
        self.received = 0

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self.received >= 2, timeout=timedelta(seconds=2))
        return self.received

    @workflow.signal(name="decision_recorded")
    def decision_recorded(self, signal: dict) -> None:
        self.received += 1
