"""review's tables, in its own SQLModel registry."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from infra.tables import add_infra_tables
from infra.types import UtcDateTime


class ReviewTable(SQLModel, registry=registry()):
    pass


INFRA = add_infra_tables(ReviewTable.metadata)


def _when(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=nullable))


class Task(ReviewTable, table=True):
    """A work item addressed to an organisation and role, with a due date."""

    __tablename__ = "tasks"

    id: str = Field(primary_key=True, max_length=64)
    case_id: str = Field(index=True, max_length=64)
    kind: str = Field(max_length=64)
    title: str = Field(max_length=300)
    assignee_role: str = Field(index=True, max_length=64)
    assignee_org: str = Field(index=True, max_length=128)
    clause_id: str | None = Field(default=None, max_length=64)
    applicant: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prior_awards: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    status: str = Field(index=True, max_length=32)
    opened_by: str = Field(max_length=128)
    opened_at: datetime = _when()
    due_at: datetime | None = _when(nullable=True)
    # the working days due_at was (or is to be) counted from opened_at; kept so that a task opened while its
    # period reached a year the calendar did not know gets its due date once an admin loads that year
    due_working_days: int | None = Field(default=None)
    closed_at: datetime | None = _when(nullable=True)


class Decision(ReviewTable, table=True):
    __tablename__ = "decisions"

    id: str = Field(primary_key=True, max_length=64)
    task_id: str = Field(index=True, unique=True, max_length=64, foreign_key="tasks.id")
    decision: str = Field(max_length=32)
    missing_items: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    reason: str = Field(max_length=2000)
    decided_by: str = Field(max_length=128)
    decided_role: str = Field(max_length=64)
    decided_org: str = Field(max_length=128)
    verified_facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    determination: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    decided_at: datetime = _when()


class TierTableRecord(ReviewTable, table=True):
    """A tier table (表1–表6) loaded by an admin with its source; the newest version applies."""

    __tablename__ = "tier_tables"
    __table_args__ = (UniqueConstraint("document_number", "table_name", "version", name="uq_tier_table_version"),)

    id: int | None = Field(default=None, primary_key=True)
    document_number: str = Field(index=True, max_length=100)
    table_name: str = Field(max_length=16)
    version: int
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    source_note: str = Field(max_length=1000)
    loaded_by: str = Field(max_length=128)
    loaded_at: datetime = _when()


class SelectionPublicity(ReviewTable, table=True):
    """公示 of a round's approved list (晋政办发〔2023〕44号 遴选程序（五）): period, entries, publication."""

    __tablename__ = "selection_publicities"

    round_id: str = Field(primary_key=True, max_length=64)
    year: int
    working_days: int
    starts_on: date
    ends_at: datetime | None = _when(nullable=True)
    last_day: date | None = None
    status: str = Field(index=True, max_length=32)
    calendar_alerted_year: int | None = None
    entries: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    published_on: date | None = None
    opened_at: datetime = _when()


class SelectionObjection(ReviewTable, table=True):
    """异议 lodged during publicity, with its receipt and the office's verification."""

    __tablename__ = "selection_objections"

    id: str = Field(primary_key=True, max_length=64)
    round_id: str = Field(index=True, max_length=64, foreign_key="selection_publicities.round_id")
    candidacy_id: str = Field(index=True, max_length=64)
    receipt_number: str = Field(unique=True, max_length=64)
    objector_name: str = Field(max_length=100)
    contact_phone: str = Field(max_length=32)
    contact_email: str | None = Field(default=None, max_length=200)
    reason: str = Field(max_length=4000)
    status: str = Field(index=True, max_length=32)
    verification_reason: str | None = Field(default=None, max_length=2000)
    verified_by: str | None = Field(default=None, max_length=128)
    lodged_at: datetime = _when()
    verified_at: datetime | None = _when(nullable=True)


class CalendarScheduleRecord(ReviewTable, table=True):
    """A year's official holiday schedule loaded by an admin (the calendar never guesses a year)."""

    __tablename__ = "calendar_schedules"

    year: int = Field(primary_key=True)
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    loaded_by: str = Field(max_length=128)
    loaded_at: datetime = _when()


class ExpertPool(ReviewTable, table=True):
    """A chain's expert pool as an admin loaded it, with the panel size and quorum to draw by."""

    __tablename__ = "expert_pools"

    chain_id: str = Field(primary_key=True, max_length=64)
    panel_size: int
    quorum: int
    experts: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    source_note: str = Field(max_length=1000)
    loaded_by: str = Field(max_length=128)
    loaded_at: datetime = _when()


class ExpertPanel(ReviewTable, table=True):
    """The panel drawn for one candidacy: the seed (so the draw can be re-done and audited), members, recusals."""

    __tablename__ = "expert_panels"

    case_id: str = Field(primary_key=True, max_length=64)
    chain_id: str = Field(max_length=64)
    seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    quorum: int
    members: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    recused: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    recommendation: str | None = Field(default=None, max_length=32)
    drawn_at: datetime = _when()
