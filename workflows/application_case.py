"""An application case: route it through the clause's departments in order; the last one fixes
the amount (核定) counting the entity's awards already on the finance ledger; on approval the
ledger opens a payout plan, and the case follows it until every stage is paid (completed) or a
paid stage is clawed back.

Orchestration only — every side effect is an activity. Decisions arrive as signals from the
bridge; a duplicate (same event id) or a decision for a task this run is not waiting on is ignored.
"""
from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from contracts.api.payout import OpenPayoutPlan, PayoutPlanRef, PriorAwardList, PriorAwardsQuery
    from contracts.api.review import PriorAwardRef
    from contracts.workflows import ApplicationCaseInput, DecisionSignal, PayoutStageSignal, ResubmissionSignal, TaskDueDatedSignal
    from workflows.payout_steps import PayoutTracker
    from workflows.review_steps import ACTIVITY_OPTIONS, DecisionInbox, SupplementInbox, read, review_through, route_for


class CaseOutcome(BaseModel):
    case_id: str
    status: str
    reason: str = ""
    plan_id: str | None = None
    amount_fen: int | None = None
    disbursed_fen: int = 0


@workflow.defn(name="ApplicationCase")
class ApplicationCaseWorkflow:
    def __init__(self) -> None:
        self._inbox = DecisionInbox()
        self._payout = PayoutTracker()
        # cases that ran before the 补正 race fix (issue 11 item 5) dropped an early resubmission
        self._supplements = SupplementInbox(patch="resubmission-kept-while-the-step-is-open")
        self._status = "routing"

    @workflow.run
    async def run(self, case: ApplicationCaseInput) -> CaseOutcome:
        route = await route_for(case.clause_id, case.applicant.region)
        self._status = "under_review"
        decision = await review_through(
            self._inbox, route, case_id=case.case_id, clause_id=case.clause_id, applicant=case.applicant,
            title=f"{route.clause_title} — {case.applicant.name}", facts=case.facts,
            load_prior_awards=lambda: self._prior_awards(case), supplements=self._supplements,
        )
        if decision.decision != "approve" or decision.determination is None:
            self._status = "rejected"
            return CaseOutcome(case_id=case.case_id, status="rejected", reason=decision.reason)
        self._status = "opening_payout_plan"
        plan = await workflow.execute_activity(
            "payout.open_plan",
            OpenPayoutPlan(case_id=case.case_id, recipient=case.applicant, determination=decision.determination),
            result_type=PayoutPlanRef,
            activity_id="open-payout-plan",
            **ACTIVITY_OPTIONS,
        )
        self._status = "payout_planned"
        ending = await self._payout.wait_settled(expected_stages=1)
        self._status = ending
        return CaseOutcome(
            case_id=case.case_id, status=ending, plan_id=plan.plan_id, amount_fen=plan.total_fen,
            disbursed_fen=self._payout.disbursed_fen(), reason=self._payout.clawback_reason,
        )

    async def _prior_awards(self, case: ApplicationCaseInput) -> list[PriorAwardRef]:
        """The entity's awards already on the ledger, so exclusivity and per-entity caps count them."""
        entity_id = str(case.facts.get("entity_id") or case.applicant.uscc)
        year = case.facts.get("year")
        awards = await read(
            "payout.prior_awards",
            PriorAwardsQuery(entity_id=entity_id, year=int(year) if isinstance(year, int | str) and str(year).isdigit() else None),
            result_type=PriorAwardList,
            activity_id="prior-awards",
        )
        return list(awards.root)

    @workflow.signal(name="decision_recorded")
    def decision_recorded(self, signal: DecisionSignal) -> None:
        self._inbox.receive(signal)

    @workflow.signal(name="task_due_dated")
    def task_due_dated(self, signal: TaskDueDatedSignal) -> None:
        self._inbox.receive_due_date(signal)

    @workflow.signal(name="payout_stage_changed")
    def payout_stage_changed(self, signal: PayoutStageSignal) -> None:
        self._payout.receive(signal)

    @workflow.signal(name="resubmitted")
    def resubmitted(self, signal: ResubmissionSignal) -> None:
        self._supplements.receive(signal)

    @workflow.query(name="status")
    def status(self) -> str:
        return "supplement_requested" if self._supplements.waiting else self._status

    @workflow.query(name="applied_events")
    def applied_events(self) -> list[str]:
        return sorted(self._inbox.seen_events)
