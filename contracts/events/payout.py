from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

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


class StageEventBase(BaseModel):
    plan_id: str
    case_id: str
    stage_id: str
    sequence: int
    clause_id: str
    recipient: ApplicantRef
    amount_fen: FenAmount
    plan_status: str = Field(description="completed when every stage is disbursed, clawed_back after a clawback, else open")


@event("payout.stage.added", summary="拨付计划新增一期 — a later phase's determination was added to a plan")
class PayoutStageAdded(StageEventBase):
    pass


@event("payout.stage.approved", summary="拨付已审批 — finance approved a stage (approver is not the preparer)")
class PayoutStageApproved(StageEventBase):
    pass


@event("payout.stage.disbursed", summary="资金已拨付 — a stage was paid (bank reference and date recorded)")
class PayoutStageDisbursed(StageEventBase):
    bank_reference: str
    disbursed_on: date


@event("payout.stage.failed", summary="拨付失败或退回 — the bank refused or returned a stage's transfer")
class PayoutStageFailed(StageEventBase):
    reason: str


@event("payout.stage.clawed_back", summary="资金已追回 — a paid stage was clawed back (追回) with a recovery entry")
class PayoutStageClawedBack(StageEventBase):
    reason: str
    recovered_fen: FenAmount


@event("payout.budget.loaded", summary="资金来源年度预算已载入 — finance loaded (or changed) a fund's budget for a year")
class BudgetLoaded(BaseModel):
    fund_id: str = Field(description="资金来源, 如 city:140400 或 county:140423")
    year: int
    amount_fen: FenAmount
    loaded_at: datetime = Field(description="when it was loaded: a later load replaces an earlier one")
