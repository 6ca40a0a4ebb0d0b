"""intake's tables. Its own SQLModel registry keeps them apart from the other services' tables."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, LargeBinary, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from infra.tables import add_infra_tables
from infra.types import UtcDateTime


class IntakeTable(SQLModel, registry=registry()):
    pass


INFRA = add_infra_tables(IntakeTable.metadata)


def _when(**kwargs: Any) -> Any:
    return Field(sa_column=Column(UtcDateTime(), **kwargs))


class Application(IntakeTable, table=True):
    __tablename__ = "applications"

    id: str = Field(primary_key=True, max_length=64)
    clause_id: str = Field(index=True, max_length=64)
    applicant_uscc: str = Field(index=True, max_length=18)
    applicant_name: str = Field(max_length=200)
    applicant_kind: str = Field(max_length=32)
    region: str = Field(index=True, max_length=6)
    facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(index=True, max_length=32)
    submitted_by: str = Field(max_length=128)
    submitted_at: datetime = _when(nullable=False)
    updated_at: datetime = _when(nullable=False)


class TimelineEntry(IntakeTable, table=True):
    """One line of a case's history: who did what, when, with which reason."""

    __tablename__ = "timeline_entries"
    __table_args__ = (UniqueConstraint("case_id", "event_id", name="uq_timeline_event"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(index=True, max_length=64)
    event_id: str = Field(max_length=64)
    event_type: str = Field(max_length=128)
    occurred_at: datetime = _when(nullable=False)
    actor: str = Field(max_length=128)
    role: str = Field(max_length=64)
    organisation: str | None = Field(default=None, max_length=128)
    summary: str = Field(max_length=500)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ReferralProject(IntakeTable, table=True):
    """A project a chain_leader brought in (以商招商, 晋工信新材料规字〔2024〕1号 9.2.1): one referrer per project."""

    __tablename__ = "referral_projects"
    __table_args__ = (UniqueConstraint("investee_uscc", "project_code", name="uq_referral_project"),)

    id: str = Field(primary_key=True, max_length=64)
    referrer_uscc: str = Field(index=True, max_length=18)
    referrer_name: str = Field(max_length=200)
    referrer_region: str = Field(max_length=6)
    investee_uscc: str = Field(max_length=18)
    investee_name: str = Field(max_length=200)
    investee_region: str = Field(max_length=6)
    project_code: str = Field(max_length=64)
    project_name: str = Field(max_length=200)
    chain_id: str | None = Field(default=None, max_length=64)
    planned_fai_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    status: str = Field(index=True, max_length=32)
    registered_by: str = Field(max_length=128)
    registered_at: datetime = _when(nullable=False)


class ReferralProgressReport(IntakeTable, table=True):
    """Investment progress and production status as the referrer reported them."""

    __tablename__ = "referral_progress_reports"

    id: str = Field(primary_key=True, max_length=64)
    project_id: str = Field(index=True, max_length=64, foreign_key="referral_projects.id")
    completed_fai_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    investment_complete: bool
    in_production: bool
    as_of: date
    note: str = Field(default="", max_length=2000)
    reported_by: str = Field(max_length=128)
    reported_at: datetime = _when(nullable=False)


class ZoneCommittee(IntakeTable, table=True):
    """A development zone's management committee (开发区管委会) as a recipient: organisations are data,
    loaded by an admin (the seeds name the zones, not their committees' credit codes)."""

    __tablename__ = "zone_committees"

    zone_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    uscc: str = Field(max_length=18)
    region: str = Field(max_length=6)
    registered_by: str = Field(max_length=128)
    registered_at: datetime = _when(nullable=False)


class CultivationClaim(IntakeTable, table=True):
    """A zone's 9.4.1 award for a chain_leader it cultivated, waiting for (or opened as) an application."""

    __tablename__ = "cultivation_claims"

    candidacy_id: str = Field(primary_key=True, max_length=64)
    zone_id: str = Field(index=True, max_length=64)
    leader_uscc: str = Field(max_length=18)
    leader_name: str = Field(max_length=200)
    year: int
    application_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = _when(nullable=False)
class SelectionRound(IntakeTable, table=True):
    """A selection round of chain_leader or chain_core enterprises (晋政办发〔2023〕44号, seed 004 §10.3)."""

    __tablename__ = "selection_rounds"

    id: str = Field(primary_key=True, max_length=64)
    year: int
    kind: str = Field(max_length=32)
    chain_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    nomination_opens_at: datetime = _when(nullable=False)
    nomination_closes_at: datetime = _when(nullable=False)
    approval_route: str = Field(max_length=32)
    publicity_working_days: int
    publicity_starts_on: date | None = None
    opened_by: str = Field(max_length=128)
    opened_at: datetime = _when(nullable=False)


class Candidacy(IntakeTable, table=True):
    """One enterprise's self-nomination for one chain in one round."""

    __tablename__ = "candidacies"
    __table_args__ = (UniqueConstraint("round_id", "chain_id", "enterprise_uscc", name="uq_candidacy"),)

    id: str = Field(primary_key=True, max_length=64)
    round_id: str = Field(index=True, max_length=64, foreign_key="selection_rounds.id")
    kind: str = Field(max_length=32)
    chain_id: str = Field(index=True, max_length=64)
    enterprise_uscc: str = Field(index=True, max_length=18)
    enterprise_name: str = Field(max_length=200)
    region: str = Field(max_length=6)
    in_reform_zone: bool = False
    zone_id: str | None = Field(default=None, max_length=64)
    assignee_role: str = Field(max_length=64)
    assignee_org: str = Field(index=True, max_length=128)
    facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    precheck: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(index=True, max_length=32)
    recommended_at: datetime | None = _when(nullable=True)
    listed_at: datetime | None = _when(nullable=True)  # in the bureau's submitted recommendation list
    nominated_by: str = Field(max_length=128)
    nominated_at: datetime = _when(nullable=False)
    updated_at: datetime = _when(nullable=False)


class CandidacyMaterial(IntakeTable, table=True):
    """A material file of a nomination, kept with its SHA-256 so what was reviewed can be proven."""

    __tablename__ = "candidacy_materials"

    id: str = Field(primary_key=True, max_length=64)
    candidacy_id: str = Field(index=True, max_length=64, foreign_key="candidacies.id")
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by: str = Field(max_length=128)
    uploaded_at: datetime = _when(nullable=False)


class ApplicationMaterial(IntakeTable, table=True):
    """A material file an applicant attached to its application or 补正, kept with its SHA-256."""

    __tablename__ = "application_materials"

    id: str = Field(primary_key=True, max_length=64)
    application_id: str = Field(index=True, max_length=64, foreign_key="applications.id")
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by: str = Field(max_length=128)
    uploaded_at: datetime = _when(nullable=False)
