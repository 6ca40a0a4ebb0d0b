from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel

from contracts.common import ApplicantRef, Citation, FenAmount
from contracts.registry import event


class StageRef(BaseModel):
    stage_id: str
    sequence: int
    amount_fen: FenAmount


@event("payout.plan.opened", summary="拨付计划已建立 — the finance ledger opened a payout plan for a case")
class PayoutPlanOpened(BaseModel):
    plan_id: str
    case_id: str
    clause_id: str
    recipient: ApplicantRef
    total_fen: FenAmount
    citation: Citation
    stages: list[StageRef]


PlanStatusValue = Literal["open", "completed", "clawed_back"]


class StageEventBase(BaseModel):
    """What every stage event says: which plan, case, stage and amount, and where the plan stands."""

    plan_id: str
    case_id: str
    stage_id: str
    sequence: int
    clause_id: str
    recipient: ApplicantRef
    amount_fen: FenAmount
    plan_status: PlanStatusValue


@event("payout.stage.added", summary="拨付阶段已增加 — a later phase was added to a payout plan")
class PayoutStageAdded(StageEventBase):
    pass


@event("payout.stage.approved", summary="拨付阶段已审批 — finance approved a stage for payment")
class PayoutStageApproved(StageEventBase):
    pass


@event("payout.stage.disbursed", summary="拨付阶段已支付 — the bank paid a stage")
class PayoutStageDisbursed(StageEventBase):
    bank_reference: str
    disbursed_on: date


@event("payout.stage.failed", summary="拨付阶段支付失败 — the payment failed or was returned")
class PayoutStageFailed(StageEventBase):
    reason: str


@event("payout.stage.clawed_back", summary="拨付阶段已追回 — a paid stage was recovered")
class PayoutStageClawedBack(StageEventBase):
    reason: str
    recovered_fen: FenAmount
