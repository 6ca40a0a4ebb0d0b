"""Selection of chain_leader / chain_core enterprises (晋政办发〔2023〕44号, seed 004 §10.3).

Events of the selection procedure: intake (rounds, self-nominations, resubmissions) and review
(publicity, objections, publication). `selection.candidate.published` is the pinned contract the
subsidy side builds on (9.1.1 recognition award, 9.4.1 zone cultivation award)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from contracts.common import ApplicantRef
from contracts.registry import event

SelectionKind = Literal["chain_leader", "chain_core"]
ApprovalRoute = Literal["leading_group", "chiefs"]


class MaterialRef(BaseModel):
    file_id: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str


class CandidacyRef(BaseModel):
    candidacy_id: str
    round_id: str
    kind: SelectionKind
    chain_id: str
    enterprise: ApplicantRef
    zone_id: str | None = None
    assignee_role: str = Field(description="city_industry_bureau or reform_zone_committee")
    assignee_org: str
    facts: dict[str, Any] = Field(default_factory=dict)
    precheck: dict[str, Any] = Field(default_factory=dict, description="automatic criteria pre-check (policies.criteria)")


@event("intake.selection.round_opened", summary="遴选批次已开启 — the province_chain_office opened a selection round")
class SelectionRoundOpened(BaseModel):
    round_id: str
    year: int
    kind: SelectionKind
    chain_ids: list[str]
    nomination_opens_at: datetime
    nomination_closes_at: datetime
    approval_route: ApprovalRoute = "leading_group"
    publicity_working_days: int = 7
    publicity_starts_on: date | None = None


@event("intake.selection.nominated", summary="企业已自荐 — an enterprise nominated itself for a round")
class CandidateNominated(BaseModel):
    candidacy: CandidacyRef
    materials: list[MaterialRef] = Field(default_factory=list)
    nominated_at: datetime


@event("intake.selection.list_submitted", summary="推荐名单已报送 — a bureau submitted its recommendation list to the province")
class RecommendationListSubmitted(BaseModel):
    round_id: str
    organisation: str
    candidacy_ids: list[str] = Field(description="the recommended candidacies; copied read-only to each chain's lead unit")
    submitted_at: datetime


@event("intake.selection.resubmitted", summary="补正材料已提交 — the enterprise resubmitted after a supplement request")
class CandidacyResubmitted(BaseModel):
    candidacy_id: str
    round_id: str
    facts: dict[str, Any] = Field(default_factory=dict)
    precheck: dict[str, Any] | None = Field(default=None, description="the criteria pre-check on the resubmitted facts")
    materials: list[MaterialRef] = Field(default_factory=list)
    resubmitted_at: datetime


class PublicityEntry(BaseModel):
    candidacy_id: str
    kind: SelectionKind
    chain_id: str
    enterprise: ApplicantRef
    zone_id: str | None = None


@event("review.selection.publicity_opened", summary="公示已开始 — the approved list is on public notice")
class PublicityOpened(BaseModel):
    round_id: str
    candidacy_id: str
    starts_on: date
    ends_at: datetime


@event("review.selection.calendar_missing", summary="公示期无法计算 — the statutory calendar lacks the year the period ends in")
class PublicityCalendarMissing(BaseModel):
    round_id: str
    year: int
    message: str


@event("review.selection.objection_lodged", summary="异议已受理 — someone objected to a candidate during publicity")
class ObjectionLodged(BaseModel):
    objection_id: str
    round_id: str
    candidacy_id: str
    receipt_number: str
    lodged_at: datetime


@event("review.selection.objection_verified", summary="异议已核实 — the office verified an objection (upheld or not)")
class ObjectionVerified(BaseModel):
    objection_id: str
    round_id: str
    candidacy_id: str
    upheld: bool
    reason: str
    verified_by: str


@event("selection.candidate.published", summary="链主/链核名单已公布 — an enterprise was published as chain_leader or chain_core")
class CandidatePublished(BaseModel):
    round_id: str
    candidacy_id: str
    kind: Literal["chain_leader", "chain_core"]
    chain_id: str
    enterprise: ApplicantRef
    zone_id: str | None = Field(default=None, description="the development zone that cultivated it, declared at nomination")
    year: int = Field(description="round year")
    published_on: date


@event("review.selection.panel_drawn", summary="专家评审小组已抽取 — a candidacy's expert panel was drawn (seed recorded, recusals)")
class ExpertPanelDrawn(BaseModel):
    case_id: str
    chain_id: str
    seed: int
    members: list[str]
    recused: list[dict[str, str]] = Field(default_factory=list)


@event("review.selection.panel_recommended", summary="专家评审意见 — the panel's recommendation for the proposed list (建议名单)")
class ExpertPanelRecommended(BaseModel):
    case_id: str
    proposed: bool
    approvals: int
    rejections: int
