"""Value types shared by events, internal APIs and workflow inputs."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

from contracts.uscc import validate_uscc
from policies.text import STORED, Text

Uscc = Annotated[
    str,
    AfterValidator(validate_uscc),
    Field(min_length=18, max_length=18, pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$",
          description="统一社会信用代码 (GB 32100-2015, 含校验位)", examples=["91350100M000100Y43"]),
]
RegionCode = Annotated[str, Field(pattern=r"^[0-9]{6}$", description="行政区划代码, e.g. 140400 长治市")]

# A sanity ceiling far above any award in the seeds (the largest cap is 7000万元): 100亿元.
MAX_FEN = 1_000_000_000_000
FenAmount = Annotated[StrictInt, Field(ge=0, le=MAX_FEN, description="金额(分), integer fen")]

ApplicantKind = Literal[
    "enterprise",
    "university",
    "institute",
    "new_rd_institution",
    "zone_committee",
    "investment_firm",
    "agency",
    "individual",
    "platform",
]


class ApplicantRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    uscc: Uscc
    name: Text = Field(min_length=1, max_length=200, description="单位名称")
    kind: ApplicantKind = "enterprise"
    region: RegionCode

    @classmethod
    def stored(cls, **fields: Any) -> ApplicantRef:
        """A reference rebuilt from a stored row: a name written before text was checked is cleaned, not refused."""
        return cls.model_validate(fields, context=STORED)


class Citation(BaseModel):
    model_config = ConfigDict(frozen=True)

    document_number: str = Field(max_length=100, description="文号")
    document_title: str = Field(default="", max_length=300)
    clause_number: str = Field(max_length=32, description="条款")


class DeterminationRef(BaseModel):
    """核定: the amount a department fixed, with its citation, steps and the cap that bound it.

    benefit/entity/project/year/tier/option say which caps the award counts against, so the
    payout ledger can enforce them again."""

    model_config = ConfigDict(frozen=True)

    clause_id: str = Field(min_length=1, max_length=64)
    amount_fen: FenAmount
    capped_by: str | None = Field(default=None, max_length=128)
    capped_by_zh: str | None = None
    citation: Citation
    steps: list[dict[str, Any]] = Field(default_factory=list)
    benefit_id: str | None = None
    entity_id: str | None = None
    project_id: str | None = None
    year: int | None = None
    tier: str | None = None
    option: str | None = None
    payout_mode: str | None = None
    payable_year: int | None = None
    rounding: str | None = None
    facts: dict[str, Any] = Field(default_factory=dict, description="核定所依据的(经核实的)事实")


MIB = 1024 * 1024


def base64_size(raw_bytes: int) -> int:
    """Characters of the base64 text of `raw_bytes` bytes (what a file takes in a JSON body)."""
    return (raw_bytes + 2) // 3 * 4
