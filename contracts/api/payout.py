from __future__ import annotations

from pydantic import BaseModel, Field, RootModel

from contracts.api.review import PriorAwardRef
from contracts.common import ApplicantRef, DeterminationRef


class OpenPayoutPlan(BaseModel):
    """Ask the finance ledger to open a payout plan for a determined award."""

    case_id: str = Field(min_length=1, max_length=64)
    recipient: ApplicantRef
    determination: DeterminationRef
    stage_amounts_fen: list[int] | None = Field(
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
    year: int | None = Field(default=None, ge=2000, le=2100)


class PriorAwardList(RootModel[list[PriorAwardRef]]):
    pass
