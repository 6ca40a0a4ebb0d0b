"""What the calculator takes (prior awards) and gives (a determination)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from policies.catalogue.models import AmountKind, Citation, PayoutMode
from policies.money import ROUNDING_RULE, _money, to_fen


class PriorAward(BaseModel):
    """An award already determined for the same entity, project or year.

    Give `amount_fen` (integer fen) or, for people writing files, `amount_yuan` ("500000.00").
    `clause_id` may name a benefit outside the catalogue (e.g. the 技改 revenue-increment award)
    as long as `benefit_id` says which.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    clause_id: str = Field(min_length=1)
    benefit_id: str = Field(min_length=1)
    entity_id: str = Field(min_length=1)
    project_id: str | None = None
    year: StrictInt = Field(ge=2000, le=2100)
    amount_fen: StrictInt = Field(ge=0)
    tier: str | None = None
    option: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _yuan_to_fen(cls, data: Any) -> Any:
        if isinstance(data, dict) and "amount_yuan" in data:
            data = dict(data)
            if "amount_fen" in data:
                raise ValueError("amount_fen 与 amount_yuan 只能给一个")
            data["amount_fen"] = to_fen(_money(data.pop("amount_yuan")))
        return data


class Step(BaseModel):
    model_config = ConfigDict(frozen=True)

    description: str
    value: str | None = None


class Determination(BaseModel):
    model_config = ConfigDict(frozen=True)

    clause_id: str
    benefit_id: str
    entity_id: str
    project_id: str | None
    year: int
    option: str | None
    tier: str | None
    amount_kind: AmountKind
    amount_fen: int
    amount_yuan: str
    capped_by: str | None
    capped_by_zh: str | None
    citation: Citation
    steps: list[Step]
    rounding: str = ROUNDING_RULE
    payout_mode: PayoutMode
    payable_year: int | None

    def to_prior_award(self) -> PriorAward:
        return PriorAward(clause_id=self.clause_id, benefit_id=self.benefit_id, entity_id=self.entity_id,
                          project_id=self.project_id, year=self.year, amount_fen=self.amount_fen,
                          tier=self.tier, option=self.option)


@dataclass
class RawAward:
    """A kind's result before rounding and caps."""

    amount: Decimal
    steps: list[Step] = field(default_factory=list)
    tier: str | None = None
    option: str | None = None
    payable_year: int | None = None
