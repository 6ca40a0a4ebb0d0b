from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, RootModel, StrictInt

from contracts.api.review import PriorAwardRef
from contracts.common import ApplicantRef, DeterminationRef, FenAmount
from policies.text import LongText


class OpenPayoutPlan(BaseModel):
    """Ask the finance ledger to open a payout plan for a determined award."""

    case_id: str = Field(min_length=1, max_length=64)
    recipient: ApplicantRef
    determination: DeterminationRef
    stage_amounts_fen: list[FenAmount] | None = Field(
        default=None, description="staged amounts; default one stage for the whole amount"
    )


class PayoutPlanRef(BaseModel):
    plan_id: str
    case_id: str
    total_fen: int
    status: str


class AddPayoutStage(BaseModel):
    """Add a later phase's determination to an existing plan (e.g. 9.2.1 phase 2)."""

    plan_id: str = Field(min_length=1, max_length=64)
    determination: DeterminationRef


class PriorAwardsQuery(BaseModel):
    """Which of an entity's awards the ledger already holds (for exclusivity and per-year caps)."""

    entity_id: str = Field(min_length=1, max_length=64)
    year: StrictInt | None = Field(default=None, ge=2000, le=2100)


class PriorAwardList(RootModel[list[PriorAwardRef]]):
    pass


class RecordDisbursement(BaseModel):
    """The bank paid a stage: its reference and value date."""

    bank_reference: str = Field(min_length=1, max_length=128, description="银行流水号/凭证号")
    disbursed_on: date = Field(description="拨付日期")


class RecordFailure(BaseModel):
    reason: LongText = Field(min_length=1, max_length=500, description="失败或退回原因")


class ClawBack(BaseModel):
    reason: LongText = Field(min_length=1, max_length=500, description="追回原因(异议成立或事后查实)")


class PayoutStagePublic(BaseModel):
    """One stage as finance sees it."""

    id: str
    plan_id: str
    case_id: str
    sequence: int
    clause_id: str
    recipient: ApplicantRef
    amount_fen: int
    status: str
    plan_status: str
    benefit_id: str | None = None
    entity_id: str | None = None
    project_id: str | None = None
    year: int | None = None
    funding: list[tuple[str, int]] = Field(default_factory=list, description="[(fund_id, amount_fen)] 资金来源")
    finance_department_zh: str | None = Field(default=None, description="办理拨付的财政部门(如 长治市财政局)")
    prepared_by: str | None = Field(default=None, description="编制人; 收款单位看不到经办人员")
    prepared_at: datetime | None = None
    approved_by: str | None = Field(default=None, description="审批人; 收款单位看不到经办人员")
    approved_at: datetime | None = None
    bank_reference: str | None = None
    disbursed_on: date | None = None
    failure_reason: str | None = None
    attempts: int = 0
    clawback_reason: str | None = None
    recovered_fen: int | None = None
