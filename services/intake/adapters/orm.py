"""intake's tables. Its own SQLModel registry keeps them apart from the other services' tables."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from infra.tables import add_infra_tables


class IntakeTable(SQLModel, registry=registry()):
    pass


INFRA = add_infra_tables(IntakeTable.metadata)


def _when(**kwargs: Any) -> Any:
    return Field(sa_column=Column(DateTime(timezone=True), **kwargs))


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
