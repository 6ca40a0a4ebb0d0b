from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from contracts.common import ApplicantRef
from contracts.registry import event


@event(
    "selection.candidate.published",
    summary="认定名单已公布 — a candidate is on the final published list (晋政办发〔2023〕44号); "
    "opens its 9.1.1 recognition award and, for a chain_leader in a development zone, the zone's 9.4.1 cultivation award",
)
class CandidatePublished(BaseModel):
    round_id: str
    candidacy_id: str
    kind: Literal["chain_leader", "chain_core"]
    chain_id: str
    enterprise: ApplicantRef
    zone_id: str | None = Field(default=None, description="培育该企业的开发区 (自荐时申报, 可空)")
    year: int
    published_on: date
