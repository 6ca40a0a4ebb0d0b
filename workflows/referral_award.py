"""The chain_leader referral award (以商招商, 晋工信新材料规字〔2024〕1号 9.2.1), over years.

The referrer reports investment and production whenever it likes (and is reminded yearly); each
report that can earn an award goes to the department, which verifies the facts and determines
the phase: one-off (complete and in production first), or phase 1 (partial and in production)
then phase 2 (the remainder, on completion). The workflow passes the project's earlier awards so
the calculator holds the ≤ 500万 cumulative cap; the ledger opens the plan, and phase 2 is added
to it as a second stage. Projects are separate workflows, so a referrer's projects accumulate.
"""
from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from contracts.api.payout import AddPayoutStage, OpenPayoutPlan, PayoutPlanRef
    from contracts.api.review import PriorAwardRef
    from contracts.common import DeterminationRef
    from contracts.workflows import DecisionSignal, PayoutStageSignal, ReferralAwardInput, ReferralReportSignal, TaskDueDatedSignal
    from policies.money import format_yuan
    from workflows import beijing
    from workflows.activities.intake import Acknowledged, ReportRequest
    from workflows.payout_steps import PayoutTracker
    from workflows.review_steps import ACTIVITY_OPTIONS, DecisionInbox, review_through, route_for

CLAUSE = "jgx2024-9.2.1"
REMIND_EVERY = timedelta(days=365)


class ReferralOutcome(BaseModel):
    project_id: str
    status: str
    awards_fen: list[int]
    plan_id: str | None = None
    disbursed_fen: int = 0
    reason: str = ""


def next_phase(report: ReferralReportSignal, awarded: list[str]) -> str | None:
    """Which award this report can earn, given the phases already determined (None: nothing yet)."""
    if not report.in_production:
        return None
    if not awarded:
        return "one_off" if report.investment_complete else "phase_1"
    if awarded == ["phase_1"] and report.investment_complete:
        return "phase_2"
    return None


@workflow.defn(name="ReferralAward")
class ReferralAwardWorkflow:
    def __init__(self) -> None:
        self._inbox = DecisionInbox()
        self._payout = PayoutTracker()
        self._reports: list[ReferralReportSignal] = []
        self._seen_reports: set[str] = set()
        self._awards: list[DeterminationRef] = []
        self._status = "awaiting_report"

    @workflow.run
    async def run(self, case: ReferralAwardInput) -> ReferralOutcome:
        project = case.project
        route = await route_for(CLAUSE, project.referrer.region)
        plan_id: str | None = None
        reminders = 0
        while not self._finished():
            try:
                await workflow.wait_condition(lambda: bool(self._reports), timeout=REMIND_EVERY)
            except TimeoutError:
                reminders += 1
                await workflow.execute_activity(
                    "intake.request_referral_report",
                    ReportRequest(project_id=project.project_id, reason=f"请报送项目「{project.project_name}」年度投资进度与投产情况"),
                    result_type=Acknowledged, activity_id=f"remind-{reminders}", **ACTIVITY_OPTIONS,
                )
                continue
            report = self._reports.pop(0)
            phase = next_phase(report, [a.option or "" for a in self._awards])
            if phase is None:
                continue
            self._status = f"determining_{phase}"
            decision = await review_through(
                self._inbox, route, case_id=project.project_id, clause_id=CLAUSE, applicant=project.referrer,
                title=f"以商招商引荐奖励 — {project.referrer.name} 引进「{project.project_name}」",
                facts=self._facts(case, report, phase), prior_awards=self._prior(), round_key=f"-{report.report_id}",
            )
            if decision.decision != "approve" or decision.determination is None:
                self._status = "awaiting_report"
                continue
            self._awards.append(decision.determination)
            plan_id = await self._pay(case, decision, plan_id)
            self._status = "awaiting_report"
        self._status = "fully_awarded"
        ending = await self._payout.wait_settled(expected_stages=len(self._awards))
        self._status = "paid" if ending == "completed" else ending
        return ReferralOutcome(project_id=project.project_id, status=self._status,
                               awards_fen=[a.amount_fen for a in self._awards], plan_id=plan_id,
                               disbursed_fen=self._payout.disbursed_fen(), reason=self._payout.clawback_reason)

    def _finished(self) -> bool:
        return any(a.option in ("one_off", "phase_2") for a in self._awards)

    def _facts(self, case: ReferralAwardInput, report: ReferralReportSignal, phase: str) -> dict:
        project = case.project
        facts = {
            "entity_id": project.referrer.uscc,
            "year": beijing.year(),
            "project_id": project.project_id,
            "is_chain_leader": True,
            "introduced_chain_enterprise": True,
            "project_fai_yuan": format_yuan(project.planned_fai_fen),
            "completed_fai_yuan": format_yuan(report.completed_fai_fen),
            "phase": phase,
            "investment_complete": report.investment_complete,
            "in_production": report.in_production,
        }
        if phase == "phase_2":
            facts["phase_1_completed_fai_yuan"] = self._phase_1_basis()
        return facts

    def _phase_1_basis(self) -> str:
        """The completed FAI the department verified when it determined phase 1."""
        phase_1 = next(a for a in self._awards if a.option == "phase_1")
        return str(phase_1.facts["completed_fai_yuan"])

    def _prior(self) -> list[PriorAwardRef]:
        return [PriorAwardRef(clause_id=a.clause_id, benefit_id=a.benefit_id or "", entity_id=a.entity_id or "",
                              project_id=a.project_id, year=a.year or beijing.year(), amount_fen=a.amount_fen,
                              tier=a.tier, option=a.option) for a in self._awards]

    async def _pay(self, case: ReferralAwardInput, decision: DecisionSignal, plan_id: str | None) -> str:
        determination = decision.determination
        assert determination is not None
        if plan_id is None:
            plan = await workflow.execute_activity(
                "payout.open_plan",
                OpenPayoutPlan(case_id=case.project.project_id, recipient=case.project.referrer, determination=determination),
                result_type=PayoutPlanRef, activity_id=f"open-payout-plan-{determination.option}", **ACTIVITY_OPTIONS,
            )
            return plan.plan_id
        await workflow.execute_activity(
            "payout.add_stage", AddPayoutStage(plan_id=plan_id, determination=determination),
            result_type=PayoutPlanRef, activity_id=f"add-payout-stage-{determination.option}", **ACTIVITY_OPTIONS,
        )
        return plan_id

    @workflow.signal(name="progress_reported")
    def progress_reported(self, report: ReferralReportSignal) -> None:
        if report.event_id in self._seen_reports:
            return
        self._seen_reports.add(report.event_id)
        self._reports.append(report)

    @workflow.signal(name="payout_stage_changed")
    def payout_stage_changed(self, signal: PayoutStageSignal) -> None:
        self._payout.receive(signal)

    @workflow.signal(name="decision_recorded")
    def decision_recorded(self, signal: DecisionSignal) -> None:
        self._inbox.receive(signal)

    @workflow.signal(name="task_due_dated")
    def task_due_dated(self, signal: TaskDueDatedSignal) -> None:
        self._inbox.receive_due_date(signal)

    @workflow.query(name="status")
    def status(self) -> str:
        return self._status
