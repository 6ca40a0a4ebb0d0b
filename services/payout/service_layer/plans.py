"""Opening a payout plan for a determined award, and reading plans."""
from __future__ import annotations

import uuid

from sqlmodel import col, select

from contracts.api.payout import OpenPayoutPlan, PayoutPlanPublic, PayoutPlanRef, PlanStatus, StagePublic, StageStatus
from contracts.common import ApplicantRef, Citation, DeterminationRef
from contracts.events.payout import PayoutPlanOpened, StageRef
from infra.auth import Principal
from infra.clock import utcnow
from infra.errors import Conflict, InvalidRequest
from infra.scope import one_in_scope, scoped
from infra.uow import UnitOfWork
from policies.catalogue.models import Clause
from services.payout.adapters.orm import PayoutPlan, PayoutStage
from services.payout.domain.plan import split_stages
from services.payout.service_layer import ledger as ledger_io
from services.payout.service_layer.scope import plan_filter


def open_plan(uow: UnitOfWork, command: OpenPayoutPlan) -> PayoutPlanRef:
    existing = uow.session.exec(select(PayoutPlan).where(PayoutPlan.case_id == command.case_id)).first()
    if existing is not None:
        raise Conflict("该案件已有拨付计划", case_id=command.case_id, plan_id=existing.id)
    determination = command.determination
    try:
        amounts = split_stages(determination.amount_fen, command.stage_amounts_fen)
    except ValueError as error:
        raise InvalidRequest.on("stage_amounts_fen", str(error)) from None
    clause = ledger_io.clause_of(determination.clause_id)
    plan = PayoutPlan(
        id=f"PLAN-{uuid.uuid4().hex[:16].upper()}",
        case_id=command.case_id,
        clause_id=determination.clause_id,
        recipient_uscc=command.recipient.uscc,
        recipient_name=command.recipient.name,
        recipient_kind=command.recipient.kind,
        region=command.recipient.region,
        total_fen=determination.amount_fen,
        capped_by=determination.capped_by,
        citation=determination.citation.model_dump(mode="json"),
        steps=determination.steps,
        status=PlanStatus.OPEN,
        opened_at=utcnow(),
    )
    uow.session.add(plan)
    uow.session.flush()
    cap_keys = ledger_io.reserve_caps(uow, clause, determination, command.recipient, determination.amount_fen)
    stages = [
        new_stage(plan.id, i + 1, amount, clause, determination, command.recipient, cap_keys)
        for i, amount in enumerate(amounts)
    ]
    uow.session.add_all(stages)
    uow.publish(
        PayoutPlanOpened(
            plan_id=plan.id,
            case_id=plan.case_id,
            clause_id=plan.clause_id,
            recipient=command.recipient,
            total_fen=plan.total_fen,
            citation=determination.citation,
            stages=[StageRef(stage_id=s.id, sequence=s.sequence, amount_fen=s.amount_fen) for s in stages],
        ),
        correlation_id=plan.case_id,
    )
    uow.audit("payout_plan.open", "payout_plan", plan.id, after={"case_id": plan.case_id, "total_fen": plan.total_fen})
    return PayoutPlanRef(plan_id=plan.id, case_id=plan.case_id, total_fen=plan.total_fen, status=plan.status)


def new_stage(plan_id: str, sequence: int, amount_fen: int, clause: Clause, det: DeterminationRef,
              recipient: ApplicantRef, cap_keys: list[str]) -> PayoutStage:
    return PayoutStage(
        id=f"STG-{uuid.uuid4().hex[:16].upper()}", plan_id=plan_id, sequence=sequence, amount_fen=amount_fen,
        status=StageStatus.PENDING, clause_id=clause.id, benefit_id=clause.benefit_id,
        entity_id=det.entity_id or recipient.uscc, project_id=det.project_id, year=det.year or det.payable_year,
        tier=det.tier, option=det.option, cap_keys=cap_keys)


def get_plan(uow: UnitOfWork, principal: Principal, plan_id: str) -> PayoutPlanPublic:
    plan = one_in_scope(uow, select(PayoutPlan).where(PayoutPlan.id == plan_id), plan_filter(principal),
                        "拨付计划不存在或不在您的权限范围内", plan_id=plan_id)
    return public(uow, plan)


def list_plans(uow: UnitOfWork, principal: Principal, *, case_id: str | None, limit: int, offset: int) -> list[PayoutPlanPublic]:
    query = scoped(select(PayoutPlan).order_by(col(PayoutPlan.opened_at)).limit(limit).offset(offset), plan_filter(principal))
    if case_id is not None:
        query = query.where(PayoutPlan.case_id == case_id)
    return [public(uow, plan) for plan in uow.session.exec(query)]


def public(uow: UnitOfWork, plan: PayoutPlan) -> PayoutPlanPublic:
    stages = uow.session.exec(select(PayoutStage).where(PayoutStage.plan_id == plan.id).order_by(col(PayoutStage.sequence)))
    return PayoutPlanPublic(
        id=plan.id,
        case_id=plan.case_id,
        clause_id=plan.clause_id,
        recipient=ApplicantRef.stored(uscc=plan.recipient_uscc, name=plan.recipient_name, kind=plan.recipient_kind,
                                      region=plan.region),
        total_fen=plan.total_fen,
        capped_by=plan.capped_by,
        citation=Citation.model_validate(plan.citation),
        steps=plan.steps,
        status=PlanStatus(plan.status),
        opened_at=plan.opened_at,
        stages=[StagePublic(id=s.id, sequence=s.sequence, amount_fen=s.amount_fen, status=StageStatus(s.status)) for s in stages],
    )
