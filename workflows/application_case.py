"""An application case: route it through the clause's departments in order; the last one fixes
the amount (核定); on approval the finance ledger opens a payout plan.

Orchestration only — every side effect is an activity. Decisions arrive as signals from the
bridge; a duplicate (same event id) or a decision for a task this run is not waiting on is ignored.
"""
from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from contracts.api.payout import OpenPayoutPlan, PayoutPlanRef
    from contracts.api.review import OpenTask, TaskRef
    from contracts.workflows import ApplicationCaseInput, DecisionSignal
    from workflows.activities.routing import Route, RouteQuery

ACTIVITY_OPTIONS = dict(
    start_to_close_timeout=timedelta(seconds=60),
    retry_policy=RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)),
)


class CaseOutcome(BaseModel):
    case_id: str
    status: str
    reason: str = ""
    plan_id: str | None = None
    amount_fen: int | None = None


@workflow.defn(name="ApplicationCase")
class ApplicationCaseWorkflow:
    def __init__(self) -> None:
        self._decisions: dict[str, DecisionSignal] = {}
        self._seen_events: set[str] = set()
        self._status = "routing"

    @workflow.run
    async def run(self, case: ApplicationCaseInput) -> CaseOutcome:
        route: Route = await workflow.execute_activity(
            "policies.review_route",
            RouteQuery(clause_id=case.clause_id, region=case.applicant.region),
            result_type=Route,
            activity_id="review-route",
            **ACTIVITY_OPTIONS,
        )
        if not route.steps:
            raise ApplicationError(f"条款 {case.clause_id} 未配置审核部门", non_retryable=True)
        decision: DecisionSignal | None = None
        for number, step in enumerate(route.steps, start=1):
            last = number == len(route.steps)
            self._status = f"review_step_{number}"
            task = await workflow.execute_activity(
                "review.open_task",
                OpenTask(
                    case_id=case.case_id,
                    kind="case_determination" if last else "case_review",
                    title=f"{route.clause_title} — {case.applicant.name}" + ("(核定)" if last else "(审核)"),
                    assignee_role=step.role,
                    assignee_org=step.organisation,
                    clause_id=case.clause_id,
                    applicant=case.applicant,
                    facts=case.facts,
                    due_working_days=5,
                ),
                result_type=TaskRef,
                activity_id=f"open-task-{number}",
                **ACTIVITY_OPTIONS,
            )
            await workflow.wait_condition(lambda: task.task_id in self._decisions)
            decision = self._decisions[task.task_id]
            if decision.decision != "approve":
                self._status = "rejected"
                return CaseOutcome(case_id=case.case_id, status="rejected", reason=decision.reason)
        assert decision is not None and decision.determination is not None
        self._status = "opening_payout_plan"
        plan = await workflow.execute_activity(
            "payout.open_plan",
            OpenPayoutPlan(case_id=case.case_id, recipient=case.applicant, determination=decision.determination),
            result_type=PayoutPlanRef,
            activity_id="open-payout-plan",
            **ACTIVITY_OPTIONS,
        )
        self._status = "payout_planned"
        return CaseOutcome(
            case_id=case.case_id, status="payout_planned", plan_id=plan.plan_id, amount_fen=plan.total_fen
        )

    @workflow.signal(name="decision_recorded")
    def decision_recorded(self, signal: DecisionSignal) -> None:
        if signal.event_id in self._seen_events:
            return
        self._seen_events.add(signal.event_id)
        self._decisions.setdefault(signal.task_id, signal)

    @workflow.query(name="status")
    def status(self) -> str:
        return self._status

    @workflow.query(name="applied_events")
    def applied_events(self) -> list[str]:
        return sorted(self._seen_events)

