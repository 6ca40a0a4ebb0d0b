"""Feeds the cockpit's projection from the services' events (queue `portal.cockpit`): each event once (its id is
kept with the rows it changed, in one transaction), merged so that any order of arrival gives the same rows."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pika
import structlog
from sqlalchemy import Connection, Table, insert, select, update

from contracts.envelope import EventEnvelope
from contracts.events.intake import ApplicationResubmitted, ApplicationSubmitted
from contracts.events.payout import (
    BudgetLoaded,
    PayoutPlanOpened,
    PayoutStageApproved,
    PayoutStageClawedBack,
    PayoutStageDisbursed,
    PayoutStageFailed,
    StageEventBase,
)
from contracts.events.review import DecisionRecorded, TaskDueDated, TaskOpened, TaskOverdue
from contracts.events.selection import (
    CandidateNominated,
    CandidatePublished,
    ExpertPanelRecommended,
    PublicityOpened,
    RecommendationListSubmitted,
)
from infra.clock import as_utc, utcnow
from infra.db import Database
from infra.failures import UnknownEventType
from services.portal.adapters.cockpit_tables import budgets, candidacies, cases, events, stages, steps

log = structlog.get_logger(__name__)
Apply = Callable[[Connection, EventEnvelope], None]


def _row(conn: Connection, table: Table, new: dict[str, Any] | None = None, **key: Any) -> dict[str, Any]:
    """The row with this key, created first (with the values `new`) if there is none."""
    where = [table.c[name] == value for name, value in key.items()]
    found = conn.execute(select(table).where(*where)).mappings().first()
    if found is None:
        conn.execute(insert(table).values(**key, **(new or {})))
        found = conn.execute(select(table).where(*where)).mappings().one()
    return dict(found)


def _set(conn: Connection, table: Table, key: dict[str, Any], **values: Any) -> None:
    conn.execute(update(table).where(*[table.c[n] == v for n, v in key.items()]).values(**values))


def _latest(current: dt.datetime | None, candidate: dt.datetime) -> dt.datetime:
    return candidate if current is None or as_utc(current) < candidate else as_utc(current)


def _earliest(current: dt.datetime | None, candidate: dt.datetime) -> dt.datetime:
    return candidate if current is None or as_utc(current) > candidate else as_utc(current)


def _fill(row: dict[str, Any], **values: Any) -> dict[str, Any]:
    """Values for the columns still empty (what a later event repeats never overwrites what an earlier one said)."""
    return {name: value for name, value in values.items() if row.get(name) is None and value is not None}


def _case(conn: Connection, case_id: str, **fill: Any) -> dict[str, Any]:
    row = _row(conn, cases, case_id=case_id)
    if values := _fill(row, **fill):
        _set(conn, cases, {"case_id": case_id}, **values)
        row.update(values)
    return row


# ---- applications and review steps ---------------------------------------------------------

def on_submitted(conn: Connection, envelope: EventEnvelope) -> None:
    event = ApplicationSubmitted.model_validate(envelope.payload)
    row = _case(conn, event.application_id, clause_id=event.clause_id, region=event.applicant.region)
    _set(conn, cases, {"case_id": row["case_id"]}, submitted_at=_earliest(row["submitted_at"], as_utc(event.submitted_at)))


def on_resubmitted(conn: Connection, envelope: EventEnvelope) -> None:
    event = ApplicationResubmitted.model_validate(envelope.payload)
    row = _case(conn, event.application_id)
    _set(conn, cases, {"case_id": row["case_id"]}, resubmitted_at=_latest(row["resubmitted_at"], as_utc(event.resubmitted_at)))


def on_task_opened(conn: Connection, envelope: EventEnvelope) -> None:
    event = TaskOpened.model_validate(envelope.payload)
    row = _case(conn, event.case_id)
    _set(conn, cases, {"case_id": event.case_id}, task_opened_at=_latest(row["task_opened_at"], envelope.occurred_at))
    step = _row(conn, steps, {"case_id": event.case_id}, task_id=event.task_id)
    _set(conn, steps, {"task_id": event.task_id}, kind=event.kind, organisation=event.assignee_org,
         opened_at=envelope.occurred_at, due_at=as_utc(event.due_at) if event.due_at else step["due_at"])


def on_task_due_dated(conn: Connection, envelope: EventEnvelope) -> None:
    """A task opened without a due date got one when its year's holidays were loaded (its opened event, before or
    after, keeps it: that event carries no due date)."""
    event = TaskDueDated.model_validate(envelope.payload)
    step = _row(conn, steps, {"case_id": event.case_id}, task_id=event.task_id)
    _set(conn, steps, {"task_id": event.task_id}, due_at=as_utc(event.due_at),
         **_fill(step, kind=event.kind, organisation=event.assignee_org))


def on_task_overdue(conn: Connection, envelope: EventEnvelope) -> None:
    event = TaskOverdue.model_validate(envelope.payload)
    step = _row(conn, steps, {"case_id": event.case_id}, task_id=event.task_id)
    _set(conn, steps, {"task_id": event.task_id}, reported_overdue=True,
         **_fill(step, kind=event.kind, organisation=event.assignee_org, due_at=as_utc(event.due_at) if event.due_at else None))


def on_decision(conn: Connection, envelope: EventEnvelope) -> None:
    event = DecisionRecorded.model_validate(envelope.payload)
    row = _case(conn, event.case_id, clause_id=event.determination.clause_id if event.determination else None)
    step = _row(conn, steps, {"case_id": event.case_id}, task_id=event.task_id)
    values: dict[str, Any] = _fill(step, kind=event.kind)
    if step["decided_at"] is None or as_utc(step["decided_at"]) <= envelope.occurred_at:
        values.update(decided_at=envelope.occurred_at, decision=event.decision,
                      determined_fen=event.determination.amount_fen if event.determination else None)
    _set(conn, steps, {"task_id": event.task_id}, **values)
    if event.decision == "reject":
        _set(conn, cases, {"case_id": event.case_id}, rejected=True)
    elif event.decision == "supplement":
        _set(conn, cases, {"case_id": event.case_id}, supplement_at=_latest(row["supplement_at"], envelope.occurred_at))


# ---- the finance ledger --------------------------------------------------------------------

def on_plan_opened(conn: Connection, envelope: EventEnvelope) -> None:
    event = PayoutPlanOpened.model_validate(envelope.payload)
    _case(conn, event.case_id, clause_id=event.clause_id, region=event.recipient.region)
    _set(conn, cases, {"case_id": event.case_id}, plan_opened=True)
    for stage in event.stages:
        _stage(conn, event.plan_id, event.case_id, event.clause_id, event.recipient.region, stage.stage_id, stage.amount_fen)


def _stage(conn: Connection, plan_id: str, case_id: str, clause_id: str, region: str, stage_id: str, amount_fen: int) -> dict:
    return _row(conn, stages, dict(plan_id=plan_id, case_id=case_id, clause_id=clause_id, region=region,
                                   amount_fen=amount_fen), stage_id=stage_id)


def _exists(conn: Connection, table: Table, **key: Any) -> bool:
    return conn.execute(select(table.c[next(iter(key))]).where(*[table.c[n] == v for n, v in key.items()])).first() is not None


def _stage_event(conn: Connection, envelope: EventEnvelope, event: StageEventBase) -> dict[str, Any]:
    """The stage's row (made if the plan's event is still on its way) and the case's plan status, newest event first."""
    row = _stage(conn, event.plan_id, event.case_id, event.clause_id, event.recipient.region, event.stage_id, event.amount_fen)
    case = _case(conn, event.case_id, clause_id=event.clause_id, region=event.recipient.region)
    if case["plan_status_at"] is None or as_utc(case["plan_status_at"]) <= envelope.occurred_at:
        _set(conn, cases, {"case_id": event.case_id}, plan_opened=True, plan_status=event.plan_status,
             plan_status_at=envelope.occurred_at)
    else:
        _set(conn, cases, {"case_id": event.case_id}, plan_opened=True)
    return row


def on_stage_approved(conn: Connection, envelope: EventEnvelope) -> None:
    event = PayoutStageApproved.model_validate(envelope.payload)
    row = _stage_event(conn, envelope, event)
    _set(conn, stages, {"stage_id": event.stage_id}, approved_at=_earliest(row["approved_at"], envelope.occurred_at))


def on_stage_disbursed(conn: Connection, envelope: EventEnvelope) -> None:
    event = PayoutStageDisbursed.model_validate(envelope.payload)
    _stage_event(conn, envelope, event)
    _set(conn, stages, {"stage_id": event.stage_id}, disbursed_on=event.disbursed_on)


def on_stage_failed(conn: Connection, envelope: EventEnvelope) -> None:
    event = PayoutStageFailed.model_validate(envelope.payload)
    row = _stage_event(conn, envelope, event)
    _set(conn, stages, {"stage_id": event.stage_id}, failures=(row["failures"] or 0) + 1)


def on_stage_clawed_back(conn: Connection, envelope: EventEnvelope) -> None:
    event = PayoutStageClawedBack.model_validate(envelope.payload)
    _stage_event(conn, envelope, event)
    _set(conn, stages, {"stage_id": event.stage_id}, clawed_back_fen=event.recovered_fen)


def on_budget_loaded(conn: Connection, envelope: EventEnvelope) -> None:
    event = BudgetLoaded.model_validate(envelope.payload)
    key = {"fund_id": event.fund_id, "year": event.year}
    loaded_at = as_utc(event.loaded_at)
    row = _row(conn, budgets, {"amount_fen": event.amount_fen, "loaded_at": loaded_at}, **key)
    if as_utc(row["loaded_at"]) < loaded_at:
        _set(conn, budgets, key, amount_fen=event.amount_fen, loaded_at=loaded_at)


# ---- selection (晋政办发〔2023〕44号) -----------------------------------------------------------

def _candidacy(conn: Connection, candidacy_id: str, **values: Any) -> None:
    row = _row(conn, candidacies, candidacy_id=candidacy_id)
    flags = {name: True for name, value in values.items() if value is True}
    _set(conn, candidacies, {"candidacy_id": candidacy_id}, **flags,
         **_fill(row, **{name: value for name, value in values.items() if not isinstance(value, bool)}))


def on_nominated(conn: Connection, envelope: EventEnvelope) -> None:
    event = CandidateNominated.model_validate(envelope.payload)
    c = event.candidacy
    _candidacy(conn, c.candidacy_id, round_id=c.round_id, kind=c.kind, chain_id=c.chain_id, nominated=True)


def on_list_submitted(conn: Connection, envelope: EventEnvelope) -> None:
    event = RecommendationListSubmitted.model_validate(envelope.payload)
    for candidacy_id in event.candidacy_ids:
        _candidacy(conn, candidacy_id, round_id=event.round_id, recommended=True)


def on_panel_recommended(conn: Connection, envelope: EventEnvelope) -> None:
    event = ExpertPanelRecommended.model_validate(envelope.payload)
    if event.proposed:
        _candidacy(conn, event.case_id, proposed=True)


def on_publicity_opened(conn: Connection, envelope: EventEnvelope) -> None:
    event = PublicityOpened.model_validate(envelope.payload)
    _candidacy(conn, event.candidacy_id, round_id=event.round_id, publicised=True)


def on_published(conn: Connection, envelope: EventEnvelope) -> None:
    event = CandidatePublished.model_validate(envelope.payload)
    _candidacy(conn, event.candidacy_id, round_id=event.round_id, kind=event.kind, chain_id=event.chain_id, published=True)


HANDLERS: dict[str, Apply] = {
    "intake.application.submitted": on_submitted,
    "intake.application.resubmitted": on_resubmitted,
    "review.task.opened": on_task_opened,
    "review.task.due_dated": on_task_due_dated,
    "review.task.overdue": on_task_overdue,
    "review.decision.recorded": on_decision,
    "payout.plan.opened": on_plan_opened,
    "payout.stage.approved": on_stage_approved,
    "payout.stage.disbursed": on_stage_disbursed,
    "payout.stage.failed": on_stage_failed,
    "payout.stage.clawed_back": on_stage_clawed_back,
    "payout.budget.loaded": on_budget_loaded,
    "intake.selection.nominated": on_nominated,
    "intake.selection.list_submitted": on_list_submitted,
    "review.selection.panel_recommended": on_panel_recommended,
    "review.selection.publicity_opened": on_publicity_opened,
    "selection.candidate.published": on_published,
}


class CockpitProjection:
    """The consumer's handler: an event applied once, with its id, in one transaction (infra/consumer.py acks after)."""

    def __init__(self, db: Database):
        self.db = db

    def __call__(self, body: bytes, properties: pika.BasicProperties | None = None) -> None:
        self.apply(EventEnvelope.from_bytes(body))

    def apply(self, envelope: EventEnvelope) -> bool:
        """False when the event was applied before (a redelivery or a replay)."""
        handler = HANDLERS.get(envelope.type)
        if handler is None:
            raise UnknownEventType(f"the cockpit has no handler for {envelope.type}")
        with self.db.engine.begin() as conn:
            if _exists(conn, events, event_id=str(envelope.id)):
                log.info("message_duplicate_skipped", consumer="portal.cockpit", message_id=str(envelope.id))
                return False
            conn.execute(insert(events).values(event_id=str(envelope.id), event_type=envelope.type,
                                               correlation_id=envelope.correlation_id, occurred_at=envelope.occurred_at,
                                               received_at=utcnow()))
            handler(conn, envelope)
        return True
