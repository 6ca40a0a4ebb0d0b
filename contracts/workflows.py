"""Workflow inputs and signal payloads (one pydantic model each, so fields can be added compatibly)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from contracts.common import ApplicantRef, DeterminationRef


class ApplicationCaseInput(BaseModel):
    case_id: str
    clause_id: str
    applicant: ApplicantRef
    facts: dict[str, Any] = Field(default_factory=dict)


class DecisionSignal(BaseModel):
    """A decision recorded on the review service, delivered by the bridge."""

    event_id: str
    task_id: str
    decision: str
    reason: str
    decided_by: str
    determination: DeterminationRef | None = None
    missing_items: list[str] = Field(default_factory=list)


class TaskDueDatedSignal(BaseModel):
    """A task opened without a due date got one (its year's holiday schedule was loaded), delivered by the bridge."""

    event_id: str
    task_id: str
    due_at: datetime


class PayoutStageSignal(BaseModel):
    """A stage of the case's payout plan changed on the finance ledger, delivered by the bridge."""

    event_id: str
    plan_id: str
    stage_id: str
    sequence: int
    status: str = Field(description="approved | disbursed | failed | clawed_back | added")
    amount_fen: int
    plan_status: str = Field(description="open | completed | clawed_back")
    reason: str = ""


class ReferralAwardInput(BaseModel):
    """A registered referral project (晋工信新材料规字〔2024〕1号 9.2.1), from intake's event."""

    project: ReferralProjectRef


class ReferralReportSignal(BaseModel):
    event_id: str
    report_id: str
    completed_fai_fen: int
    investment_complete: bool
    in_production: bool
    as_of: str


from contracts.events.intake import ReferralProjectRef  # noqa: E402

ReferralAwardInput.model_rebuild()


# -- selection of chain_leader / chain_core (晋政办发〔2023〕44号, seed 004 §10.3) -------------------

class SelectionRoundInput(BaseModel):
    round_id: str
    year: int
    kind: str
    chain_ids: list[str]
    nomination_closes_at: datetime
    approval_route: str = "leading_group"
    publicity_working_days: int = 7
    publicity_starts_on: date | None = None


class NominationSignal(BaseModel):
    event_id: str
    candidacy: CandidacyRef


class CandidacyInput(BaseModel):
    candidacy: CandidacyRef
    approval_route: str = "leading_group"
    year: int


class ResubmissionSignal(BaseModel):
    event_id: str
    facts: dict[str, Any] = Field(default_factory=dict)
    precheck: dict[str, Any] | None = None


class ListedSignal(BaseModel):
    """The candidacy's bureau submitted its recommendation list."""

    event_id: str
    organisation: str


class ObjectionVerifiedSignal(BaseModel):
    event_id: str
    objection_id: str
    candidacy_id: str
    upheld: bool


from contracts.events.selection import CandidacyRef  # noqa: E402

NominationSignal.model_rebuild()
CandidacyInput.model_rebuild()
