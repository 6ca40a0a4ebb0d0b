"""A stage's lifecycle at the finance bureau: prepare → approve (four-eyes) → disburse / fail → retry;
clawback (追回) of a paid stage. Each change locks the stage row, posts to the journal, publishes its
event through the outbox and writes its audit record in one transaction."""
from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from contracts.api.payout import (
    AddPayoutStage,
    ClawBack,
    PayoutPlanRef,
    PayoutStagePublic,
    PlanStatus,
    RecordDisbursement,
    RecordFailure,
    StageStatus,
)
from contracts.api.review import PriorAwardRef
from contracts.common import ApplicantRef
from contracts.events.payout import (
    PayoutStageAdded,
    PayoutStageApproved,
    PayoutStageClawedBack,
    PayoutStageDisbursed,
    PayoutStageFailed,
    StageEventBase,
)
from infra.auth import Principal
from infra.clock import beijing_today, utcnow
from infra.errors import Conflict, InvalidRequest, NotFound
from infra.four_eyes import require_different_person
from infra.scope import one_in_scope, scoped
from infra.uow import UnitOfWork
from services.payout.adapters.orm import PayoutPlan, PayoutStage
from services.payout.domain import ledger
from services.payout.domain.disbursement import date_refusal
from services.payout.domain.plan import TransitionRefused, next_status, plan_status
from services.payout.service_layer import bank_references
from services.payout.service_layer import ledger as ledger_io
from services.payout.service_layer.plans import new_stage
from services.payout.service_layer.scope import plan_filter, stage_in_scope


def recipient_of(plan: PayoutPlan) -> ApplicantRef:
    return ApplicantRef.stored(uscc=plan.recipient_uscc, name=plan.recipient_name, kind=plan.recipient_kind,
                               region=plan.region)


def public(plan: PayoutPlan, stage: PayoutStage) -> PayoutStagePublic:
    departments = dict.fromkeys(ledger_io.fund_department_zh(fund) for fund, _ in _funding(plan, stage))
    return PayoutStagePublic(
        id=stage.id, plan_id=plan.id, case_id=plan.case_id, sequence=stage.sequence,
        clause_id=stage.clause_id or plan.clause_id, recipient=recipient_of(plan), amount_fen=stage.amount_fen,
        status=stage.status, plan_status=plan.status, benefit_id=stage.benefit_id, entity_id=stage.entity_id,
        project_id=stage.project_id, year=stage.year, funding=[(f, a) for f, a in stage.funding],
        finance_department_zh="、".join(departments), prepared_by=stage.prepared_by, prepared_at=stage.prepared_at,
        approved_by=stage.approved_by,
        approved_at=stage.approved_at, bank_reference=stage.bank_reference, disbursed_on=stage.disbursed_on,
        failure_reason=stage.failure_reason, attempts=stage.attempts, clawback_reason=stage.clawback_reason,
        recovered_fen=stage.recovered_fen)


def shown_to(principal: Principal, stage: PayoutStagePublic) -> PayoutStagePublic:
    """A recipient sees which department pays it, never the officials who prepared or approved the stage."""
    if principal.role != "enterprise":
        return stage
    return stage.model_copy(update={"prepared_by": None, "approved_by": None})


def _snapshot(stage: PayoutStage) -> dict[str, Any]:
    return {"status": stage.status, "amount_fen": stage.amount_fen, "bank_reference": stage.bank_reference,
            "disbursed_on": stage.disbursed_on.isoformat() if stage.disbursed_on else None,
            "prepared_by": stage.prepared_by, "approved_by": stage.approved_by, "attempts": stage.attempts}


def load_in_scope(uow: UnitOfWork, principal: Principal, stage_id: str, *, lock: bool = True) -> tuple[PayoutPlan, PayoutStage]:
    """The stage (row locked FOR UPDATE on PostgreSQL) and its plan; another scope's stage → 404."""
    query = stage_in_scope(principal, stage_id)
    if lock:
        query = query.with_for_update(of=PayoutStage)
    stage, plan = one_in_scope(uow, query, None, "拨付分期不存在或不在您的权限范围内", stage_id=stage_id)
    uow.session.refresh(stage)  # the row as it stands after the lock was granted
    return plan, stage


def _transition(action: str, stage: PayoutStage) -> StageStatus:
    try:
        return next_status(action, StageStatus(stage.status))
    except TransitionRefused as refused:
        raise Conflict(f"status: {refused}", stage_id=stage.id, status=stage.status) from None


def _refresh_plan(uow: UnitOfWork, plan: PayoutPlan) -> None:
    uow.session.flush()
    statuses = [StageStatus(s) for s in uow.session.exec(select(PayoutStage.status).where(PayoutStage.plan_id == plan.id))]
    if plan.status != PlanStatus.CLAWED_BACK:
        plan.status = plan_status(statuses)
    uow.session.add(plan)


def _event_fields(plan: PayoutPlan, stage: PayoutStage) -> dict[str, Any]:
    return dict(plan_id=plan.id, case_id=plan.case_id, stage_id=stage.id, sequence=stage.sequence,
                clause_id=stage.clause_id or plan.clause_id, recipient=recipient_of(plan), amount_fen=stage.amount_fen,
                plan_status=plan.status)


def _finish(uow: UnitOfWork, plan: PayoutPlan, stage: PayoutStage, action: str, before: dict[str, Any],
            event: StageEventBase | None) -> PayoutStagePublic:
    uow.session.add(stage)
    _refresh_plan(uow, plan)
    if event is not None:
        event.plan_status = plan.status
        uow.publish(event, correlation_id=plan.case_id)
    uow.audit(f"payout_stage.{action}", "payout_stage", stage.id, before=before, after=_snapshot(stage))
    return public(plan, stage)


def _funding(plan: PayoutPlan, stage: PayoutStage) -> list[tuple[str, int]]:
    """The funds that pay the stage, as fixed at approval (the city fund for a stage approved before funds were kept)."""
    return [(fund, amount) for fund, amount in stage.funding] or [(ledger_io.city_fund(plan.region), stage.amount_fen)]


def _budget_year(stage: PayoutStage) -> int:
    """The budget year the stage's commitment was made in: the approval's year (Asia/Shanghai)."""
    return ledger_io.current_year(stage.approved_at) if stage.approved_at else (stage.year or ledger_io.current_year())


def prepare(uow: UnitOfWork, principal: Principal, stage_id: str) -> PayoutStagePublic:
    plan, stage = load_in_scope(uow, principal, stage_id)
    before = _snapshot(stage)
    stage.status = _transition("prepare", stage)
    stage.prepared_by, stage.prepared_at = principal.subject, utcnow()
    return _finish(uow, plan, stage, "prepare", before, None)


def approve(uow: UnitOfWork, principal: Principal, stage_id: str) -> PayoutStagePublic:
    plan, stage = load_in_scope(uow, principal, stage_id)
    before = _snapshot(stage)
    status = _transition("approve", stage)
    require_different_person(principal.subject, [(stage.prepared_by or "", "编制")], "审批")
    clause = ledger_io.clause_of(stage.clause_id or plan.clause_id, "clause_id")
    year = ledger_io.current_year()
    funding = ledger_io.funding_for(uow, clause, plan.region, stage.amount_fen)
    ledger_io.check_budgets(uow, funding, year)
    ledger_io.post(uow, "approval", ledger.approval(plan.recipient_uscc, funding, year), stage_id=stage.id,
                   plan_id=plan.id, memo=f"审批 {plan.case_id} 第{stage.sequence}期")
    stage.status, stage.funding = status, [[fund, amount] for fund, amount in funding]
    stage.approved_by, stage.approved_at = principal.subject, utcnow()
    return _finish(uow, plan, stage, "approve", before,
                   PayoutStageApproved(**_event_fields(plan, stage)))


def disburse(uow: UnitOfWork, principal: Principal, stage_id: str, command: RecordDisbursement) -> PayoutStagePublic:
    plan, stage = load_in_scope(uow, principal, stage_id)
    if (stage.status == StageStatus.DISBURSED and stage.bank_reference == command.bank_reference
            and stage.disbursed_on == command.disbursed_on):
        return public(plan, stage)  # the same disbursement recorded again: nothing to do, never paid twice
    before = _snapshot(stage)
    stage.status = _transition("disburse", stage)
    refusal = date_refusal(command.disbursed_on, budget_year=_budget_year(stage), today=beijing_today(),
                           window_days=uow.runtime.settings.disbursement_date_window_days)
    if refusal is not None:
        raise InvalidRequest.on("disbursed_on", refusal)
    bank_references.claim(uow, principal, stage, [fund for fund, _ in _funding(plan, stage)], command.bank_reference)
    ledger_io.post(uow, "disbursement", ledger.disbursement(plan.recipient_uscc, stage.amount_fen), stage_id=stage.id,
                   plan_id=plan.id, memo=f"拨付 {command.bank_reference}")
    stage.bank_reference, stage.disbursed_on, stage.disbursed_by = (command.bank_reference, command.disbursed_on,
                                                                      principal.subject)
    stage.failure_reason = None
    return _finish(uow, plan, stage, "disburse", before, PayoutStageDisbursed(
        **_event_fields(plan, stage), bank_reference=command.bank_reference, disbursed_on=command.disbursed_on))


def fail(uow: UnitOfWork, principal: Principal, stage_id: str, command: RecordFailure) -> PayoutStagePublic:
    plan, stage = load_in_scope(uow, principal, stage_id)
    before = _snapshot(stage)
    was_paid = stage.status == StageStatus.DISBURSED
    stage.status = _transition("fail", stage)
    if was_paid:  # returned by the bank (退回): the payable is owed again
        ledger_io.post(uow, "return", ledger.returned(plan.recipient_uscc, stage.amount_fen), stage_id=stage.id,
                       plan_id=plan.id, memo=f"退回 {stage.bank_reference}")
    stage.failure_reason = command.reason
    stage.bank_reference = stage.disbursed_on = None
    return _finish(uow, plan, stage, "fail", before,
                   PayoutStageFailed(**_event_fields(plan, stage), reason=command.reason))


def retry(uow: UnitOfWork, principal: Principal, stage_id: str) -> PayoutStagePublic:
    plan, stage = load_in_scope(uow, principal, stage_id)
    before = _snapshot(stage)
    stage.status = _transition("retry", stage)
    stage.attempts += 1
    return _finish(uow, plan, stage, "retry", before, None)


def claw_back(uow: UnitOfWork, principal: Principal, stage_id: str, command: ClawBack) -> PayoutStagePublic:
    plan, stage = load_in_scope(uow, principal, stage_id)
    before = _snapshot(stage)
    stage.status = _transition("claw_back", stage)
    funding = _funding(plan, stage)
    ledger_io.post(uow, "clawback", ledger.clawback(plan.recipient_uscc, funding, _budget_year(stage)), stage_id=stage.id,
                   plan_id=plan.id, memo=f"追回: {command.reason}")
    ledger_io.release_caps(uow, list(stage.cap_keys), stage.amount_fen)
    stage.clawback_reason, stage.recovered_fen, stage.clawed_back_at = command.reason, stage.amount_fen, utcnow()
    plan.status = PlanStatus.CLAWED_BACK
    return _finish(uow, plan, stage, "claw_back", before, PayoutStageClawedBack(
        **_event_fields(plan, stage), reason=command.reason, recovered_fen=stage.amount_fen))


def add_stage(uow: UnitOfWork, plan_id: str, command: AddPayoutStage) -> PayoutPlanRef:
    if command.plan_id != plan_id:
        raise InvalidRequest.on("plan_id", f"请求体中的计划编号 {command.plan_id} 与路径中的 {plan_id} 不一致")
    plan = uow.session.exec(select(PayoutPlan).where(PayoutPlan.id == plan_id).with_for_update()).first()
    if plan is None:
        raise NotFound("拨付计划不存在", plan_id=plan_id)
    if plan.status == PlanStatus.CLAWED_BACK:
        raise Conflict("status: 该拨付计划已追回, 不能再增加分期", plan_id=plan_id)
    det = command.determination
    clause = ledger_io.clause_of(det.clause_id)
    if clause.benefit_id != ledger_io.clause_of(plan.clause_id, "plan.clause_id").benefit_id:
        raise InvalidRequest.on("determination.clause_id", f"条款 {det.clause_id} 与计划的条款 {plan.clause_id} 不属于同一奖励")
    if det.amount_fen <= 0:
        raise InvalidRequest.on("determination.amount_fen", "新增分期金额必须大于0")
    recipient = recipient_of(plan)
    cap_keys = ledger_io.reserve_caps(uow, clause, det, recipient, det.amount_fen)
    last = uow.session.exec(select(PayoutStage.sequence).where(PayoutStage.plan_id == plan.id)
                            .order_by(col(PayoutStage.sequence).desc())).first() or 0
    stage = new_stage(plan.id, last + 1, det.amount_fen, clause, det, recipient, cap_keys)
    uow.session.add(stage)
    plan.total_fen += det.amount_fen
    if plan.status == PlanStatus.COMPLETED:
        plan.status = PlanStatus.OPEN
    uow.session.add(plan)
    uow.session.flush()
    uow.publish(PayoutStageAdded(**_event_fields(plan, stage)), correlation_id=plan.case_id)
    uow.audit("payout_stage.add", "payout_stage", stage.id, after={"plan_id": plan.id, "amount_fen": stage.amount_fen,
                                                                   "sequence": stage.sequence})
    return PayoutPlanRef(plan_id=plan.id, case_id=plan.case_id, total_fen=plan.total_fen, status=plan.status)


def get_stage(uow: UnitOfWork, principal: Principal, stage_id: str) -> PayoutStagePublic:
    plan, stage = load_in_scope(uow, principal, stage_id, lock=False)
    return shown_to(principal, public(plan, stage))


def list_stages(uow: UnitOfWork, principal: Principal, *, status: StageStatus | None, limit: int, offset: int,
                recipient_uscc: str | None = None, year: int | None = None,
                case_id: str | None = None) -> list[PayoutStagePublic]:
    query = (select(PayoutStage, PayoutPlan).join(PayoutPlan, col(PayoutPlan.id) == col(PayoutStage.plan_id))
             .order_by(col(PayoutPlan.opened_at), col(PayoutStage.plan_id), col(PayoutStage.sequence))
             .limit(limit).offset(offset))
    query = scoped(query, plan_filter(principal))
    if status is not None:
        query = query.where(PayoutStage.status == status)
    if recipient_uscc is not None:
        query = query.where(PayoutPlan.recipient_uscc == recipient_uscc)
    if year is not None:
        query = query.where(PayoutStage.year == year)
    if case_id is not None:
        query = query.where(PayoutPlan.case_id == case_id)
    return [shown_to(principal, public(plan, stage)) for stage, plan in uow.session.exec(query)]


def prior_awards(uow: UnitOfWork, *, entity_id: str, year: int | None) -> list[PriorAwardRef]:
    """What the ledger holds for an entity (all stages but clawed-back ones), as the calculator counts it."""
    query = (select(PayoutStage, PayoutPlan).join(PayoutPlan, col(PayoutPlan.id) == col(PayoutStage.plan_id))
             .where(PayoutStage.entity_id == entity_id, PayoutStage.status != StageStatus.CLAWED_BACK)
             .order_by(col(PayoutPlan.opened_at), col(PayoutStage.sequence)))
    awards = []
    for stage, plan in uow.session.exec(query):
        stage_year = stage.year or ledger_io.current_year(plan.opened_at)
        if year is not None and stage_year != year:
            continue
        awards.append(PriorAwardRef(clause_id=stage.clause_id or plan.clause_id, benefit_id=stage.benefit_id or "",
                                    entity_id=entity_id, project_id=stage.project_id, year=stage_year,
                                    amount_fen=stage.amount_fen, tier=stage.tier, option=stage.option))
    return awards
