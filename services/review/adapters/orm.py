"""review's tables, in its own SQLModel registry."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from infra.tables import add_infra_tables


class ReviewTable(SQLModel, registry=registry()):
    pass


INFRA = add_infra_tables(ReviewTable.metadata)


def _when(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


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
    status: str = Field(index=True, max_length=32)
    opened_by: str = Field(max_length=128)
    opened_at: datetime = _when()
    due_at: datetime | None = _when(nullable=True)
    closed_at: datetime | None = _when(nullable=True)


class Decision(ReviewTable, table=True):
    __tablename__ = "decisions"

    id: str = Field(primary_key=True, max_length=64)
    task_id: str = Field(index=True, unique=True, max_length=64, foreign_key="tasks.id")
    decision: str = Field(max_length=32)
    reason: str = Field(max_length=2000)
    decided_by: str = Field(max_length=128)
    decided_role: str = Field(max_length=64)
    decided_org: str = Field(max_length=128)
    verified_facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    determination: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    decided_at: datetime = _when()
