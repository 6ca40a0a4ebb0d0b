"""Following a case's payout plan on the finance ledger until every stage is paid (or one is
clawed back). Deterministic (runs inside the workflow); stage changes arrive as signals from the
bridge, each applied once by its event id."""
from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.workflows import PayoutStageSignal


# A stage's status only moves forward, whatever order the ledger's events arrive in.
_RANK = {"added": 0, "approved": 1, "failed": 1, "disbursed": 2, "clawed_back": 3}


class PayoutTracker:
    def __init__(self) -> None:
        self.stages: dict[str, PayoutStageSignal] = {}
        self.seen_events: set[str] = set()
        self.plan_status = "open"
        self.clawback_reason = ""
        self.failures: list[str] = []

    def receive(self, signal: PayoutStageSignal) -> None:
        if signal.event_id in self.seen_events:
            return
        self.seen_events.add(signal.event_id)
        if signal.status == "failed":
            self.failures.append(signal.reason)
        if signal.status == "clawed_back":
            self.plan_status = "clawed_back"
            self.clawback_reason = signal.reason
        current = self.stages.get(signal.stage_id)
        if current is None or _RANK.get(signal.status, 0) >= _RANK.get(current.status, 0):
            self.stages[signal.stage_id] = signal

    def disbursed_fen(self) -> int:
        return sum(s.amount_fen for s in self.stages.values() if s.status == "disbursed")

    def settled(self, expected_stages: int = 1) -> bool:
        """Every expected stage paid, or the plan clawed back."""
        if self.plan_status == "clawed_back":
            return True
        return sum(1 for s in self.stages.values() if s.status == "disbursed") >= expected_stages

    async def wait_settled(self, expected_stages: int = 1) -> str:
        await workflow.wait_condition(lambda: self.settled(expected_stages))
        return "clawed_back" if self.plan_status == "clawed_back" else "completed"
