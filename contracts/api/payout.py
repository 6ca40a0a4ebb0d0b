"""payout's API: what the workflows ask of the finance ledger (plans, stages, prior awards), what finance records on
a stage, and the plans, stages, ledger views and reference data (budgets, cost shares) its routes answer with."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, RootModel, StrictInt

from contracts.api.review import PriorAwardRef
from contracts.common import ApplicantRef, Citation, DeterminationRef, FenAmount
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


# Plans and their stages as finance reads them.

class PlanStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CLAWED_BACK = "clawed_back"


class StageStatus(StrEnum):
    PENDING = "pending"
    PREPARED = "prepared"
    APPROVED = "approved"
    DISBURSED = "disbursed"
    FAILED = "failed"
    CLAWED_BACK = "clawed_back"


class StagePublic(BaseModel):
    id: str
    sequence: int
    amount_fen: int
    status: StageStatus


class PayoutPlanPublic(BaseModel):
    id: str
    case_id: str
    clause_id: str
    recipient: ApplicantRef
    total_fen: int
    capped_by: str | None
    citation: Citation
    steps: list[dict[str, Any]]
    status: PlanStatus
    opened_at: datetime
    stages: list[StagePublic]


# The finance bureau's views over the ledger.

class PayableGroup(BaseModel):
    department_id: str
    department_zh: str
    clause_id: str
    clause_zh: str
    county: str
    stages: int
    approved_unpaid_fen: int = Field(description="已审批未拨付(应付)")
    not_yet_approved_fen: int = Field(description="待编制/待审批")


class FundExecution(BaseModel):
    fund_id: str
    year: int
    budget_fen: int | None = Field(description="已载入的预算; 未载入为 null")
    committed_fen: int = Field(description="已审批占用")
    disbursed_fen: int = Field(description="本年已拨付")
    remaining_fen: int | None


class JournalLinePublic(BaseModel):
    account: str
    amount_fen: int


class JournalEntryPublic(BaseModel):
    id: str
    kind: str
    stage_id: str | None
    posted_by: str
    posted_at: datetime
    memo: str
    lines: list[JournalLinePublic]


class RecipientHistory(BaseModel):
    uscc: str
    name: str
    stages: list[PayoutStagePublic]
    journal: list[JournalEntryPublic]
    approved_fen: int
    disbursed_fen: int
    recovered_fen: int


# Reference data finance loads: budgets per fund and year, city/county cost shares per clause and county.

class LoadBudget(BaseModel):
    fund_id: str = Field(pattern=r"^(city|county):[0-9]{6}$", description="资金来源, 如 city:140400 或 county:140423")
    year: StrictInt = Field(ge=2000, le=2100)
    amount_fen: FenAmount = Field(description="预算金额(分)")


class BudgetPublic(LoadBudget):
    loaded_by: str
    loaded_at: datetime


class LoadCostShare(BaseModel):
    clause_id: str = Field(min_length=1, max_length=64)
    county: str = Field(pattern=r"^[0-9]{6}$", description="县(区)行政区划代码")
    city_share_bp: StrictInt = Field(ge=0, le=10_000, description="市级承担比例(万分之), 其余由县级承担; 如 5000 = 各半")


class CostSharePublic(LoadCostShare):
    loaded_by: str
    loaded_at: datetime
