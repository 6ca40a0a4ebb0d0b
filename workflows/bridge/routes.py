"""Which domain event starts or signals which workflow. Workflow id = the case's correlation id."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel

from contracts.envelope import EventEnvelope
from contracts.events.intake import (
    ApplicationResubmitted,
    ApplicationSubmitted,
    ReferralProgressReported,
    ReferralRegistered,
)
from contracts.events.payout import (
    PayoutStageApproved,
    PayoutStageClawedBack,
    PayoutStageDisbursed,
    PayoutStageFailed,
    StageEventBase,
)
from contracts.events.review import DecisionRecorded, TaskDueDated
from contracts.events.selection import (
    CandidacyResubmitted,
    CandidateNominated,
    ObjectionVerified,
    RecommendationListSubmitted,
    SelectionRoundOpened,
)
from contracts.workflows import (
    ApplicationCaseInput,
    DecisionSignal,
    ListedSignal,
    NominationSignal,
    ObjectionVerifiedSignal,
    PayoutStageSignal,
    ReferralAwardInput,
    ReferralReportSignal,
    ResubmissionSignal,
    SelectionRoundInput,
    TaskDueDatedSignal,
)
from infra.failures import UnknownEventType


@dataclass(frozen=True)
class StartWorkflow:
    workflow: str
    workflow_id: str
    argument: BaseModel


@dataclass(frozen=True)
class SignalWorkflow:
    workflow_id: str
    signal: str
    argument: BaseModel


Action = StartWorkflow | SignalWorkflow


def _application_submitted(envelope: EventEnvelope) -> list[Action]:
    event = ApplicationSubmitted.model_validate(envelope.payload)
    case = ApplicationCaseInput(
        case_id=event.application_id, clause_id=event.clause_id, applicant=event.applicant, facts=event.facts
    )
    return [StartWorkflow("ApplicationCase", event.application_id, case)]


def _decision_recorded(envelope: EventEnvelope) -> list[Action]:
    event = DecisionRecorded.model_validate(envelope.payload)
    signal = DecisionSignal(
        event_id=str(envelope.id),
        task_id=event.task_id,
        decision=event.decision,
        reason=event.reason,
        decided_by=event.decided_by,
        determination=event.determination,
        missing_items=event.missing_items,
    )
    return [SignalWorkflow(event.case_id, "decision_recorded", signal)]


def _task_due_dated(envelope: EventEnvelope) -> list[Action]:
    event = TaskDueDated.model_validate(envelope.payload)
    signal = TaskDueDatedSignal(event_id=str(envelope.id), task_id=event.task_id, due_at=event.due_at)
    return [SignalWorkflow(event.case_id, "task_due_dated", signal)]


def _application_resubmitted(envelope: EventEnvelope) -> list[Action]:
    event = ApplicationResubmitted.model_validate(envelope.payload)
    return [SignalWorkflow(event.application_id, "resubmitted", ResubmissionSignal(event_id=str(envelope.id), facts=event.facts))]


def _referral_registered(envelope: EventEnvelope) -> list[Action]:
    event = ReferralRegistered.model_validate(envelope.payload)
    return [StartWorkflow("ReferralAward", event.project.project_id, ReferralAwardInput(project=event.project))]


def _referral_progress(envelope: EventEnvelope) -> list[Action]:
    event = ReferralProgressReported.model_validate(envelope.payload)
    signal = ReferralReportSignal(
        event_id=str(envelope.id), report_id=event.report_id, completed_fai_fen=event.completed_fai_fen,
        investment_complete=event.investment_complete, in_production=event.in_production, as_of=event.as_of.isoformat(),
    )
    return [SignalWorkflow(event.project_id, "progress_reported", signal)]


def _payout_stage(model: type[StageEventBase], status: str) -> Callable[[EventEnvelope], list[Action]]:
    """A stage event signals the workflow that owns the plan's case (workflow id = case id)."""

    def route(envelope: EventEnvelope) -> list[Action]:
        event = model.model_validate(envelope.payload)
        signal = PayoutStageSignal(
            event_id=str(envelope.id), plan_id=event.plan_id, stage_id=event.stage_id, sequence=event.sequence,
            status=status, amount_fen=event.amount_fen, plan_status=event.plan_status,
            reason=str(getattr(event, "reason", "")),
        )
        return [SignalWorkflow(event.case_id, "payout_stage_changed", signal)]

    return route


def _selection_round_opened(envelope: EventEnvelope) -> list[Action]:
    event = SelectionRoundOpened.model_validate(envelope.payload)
    selection = SelectionRoundInput(
        round_id=event.round_id, year=event.year, kind=event.kind, chain_ids=event.chain_ids,
        nomination_closes_at=event.nomination_closes_at, approval_route=event.approval_route,
        publicity_working_days=event.publicity_working_days, publicity_starts_on=event.publicity_starts_on,
    )
    return [StartWorkflow("SelectionRound", event.round_id, selection)]


def _candidate_nominated(envelope: EventEnvelope) -> list[Action]:
    event = CandidateNominated.model_validate(envelope.payload)
    return [SignalWorkflow(event.candidacy.round_id, "nominated",
                           NominationSignal(event_id=str(envelope.id), candidacy=event.candidacy))]


def _list_submitted(envelope: EventEnvelope) -> list[Action]:
    event = RecommendationListSubmitted.model_validate(envelope.payload)
    signal = ListedSignal(event_id=str(envelope.id), organisation=event.organisation)
    return [SignalWorkflow(candidacy_id, "listed", signal) for candidacy_id in event.candidacy_ids]


def _candidacy_resubmitted(envelope: EventEnvelope) -> list[Action]:
    event = CandidacyResubmitted.model_validate(envelope.payload)
    signal = ResubmissionSignal(event_id=str(envelope.id), facts=event.facts, precheck=event.precheck)
    return [SignalWorkflow(event.candidacy_id, "resubmitted", signal)]


def _objection_verified(envelope: EventEnvelope) -> list[Action]:
    event = ObjectionVerified.model_validate(envelope.payload)
    signal = ObjectionVerifiedSignal(event_id=str(envelope.id), objection_id=event.objection_id,
                                     candidacy_id=event.candidacy_id, upheld=event.upheld)
    return [SignalWorkflow(event.round_id, "objection_verified", signal)]


ROUTES: dict[str, Callable[[EventEnvelope], list[Action]]] = {
    "intake.selection.round_opened": _selection_round_opened,
    "intake.selection.nominated": _candidate_nominated,
    "intake.selection.resubmitted": _candidacy_resubmitted,
    "intake.selection.list_submitted": _list_submitted,
    "review.selection.objection_verified": _objection_verified,
    "intake.application.submitted": _application_submitted,
    "intake.application.resubmitted": _application_resubmitted,
    "review.decision.recorded": _decision_recorded,
    "review.task.due_dated": _task_due_dated,
    "intake.referral.registered": _referral_registered,
    "intake.referral.progress_reported": _referral_progress,
    "payout.stage.approved": _payout_stage(PayoutStageApproved, "approved"),
    "payout.stage.disbursed": _payout_stage(PayoutStageDisbursed, "disbursed"),
    "payout.stage.failed": _payout_stage(PayoutStageFailed, "failed"),
    "payout.stage.clawed_back": _payout_stage(PayoutStageClawedBack, "clawed_back"),
}


def translate(envelope: EventEnvelope) -> list[Action]:
    route = ROUTES.get(envelope.type)
    if route is None:
        raise UnknownEventType(f"the bridge has no route for {envelope.type}")
    return route(envelope)
