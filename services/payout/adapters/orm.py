"""payout's tables, in its own SQLModel registry."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from infra.tables import add_infra_tables
from infra.types import UtcDateTime


class PayoutTable(SQLModel, registry=registry()):
    pass


INFRA = add_infra_tables(PayoutTable.metadata)


def _when(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=nullable))


def _fen() -> Any:
    return Field(sa_column=Column(BigInteger, nullable=False))


class PayoutPlan(PayoutTable, table=True):
    """One determined award to one recipient, paid in one or more stages."""

    __tablename__ = "payout_plans"

    id: str = Field(primary_key=True, max_length=64)
    case_id: str = Field(index=True, unique=True, max_length=64)
    clause_id: str = Field(index=True, max_length=64)
    recipient_uscc: str = Field(index=True, max_length=18)
    recipient_name: str = Field(max_length=200)
    recipient_kind: str = Field(max_length=32)
    region: str = Field(index=True, max_length=6)
    total_fen: int = _fen()
    capped_by: str | None = Field(default=None, max_length=128)
    citation: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    steps: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(index=True, max_length=32)
    opened_at: datetime = _when()


class PayoutStage(PayoutTable, table=True):
    __tablename__ = "payout_stages"
    __table_args__ = (UniqueConstraint("plan_id", "sequence", name="uq_stage_sequence"),)

    id: str = Field(primary_key=True, max_length=64)
    plan_id: str = Field(index=True, max_length=64, foreign_key="payout_plans.id")
    sequence: int
    amount_fen: int = _fen()
    status: str = Field(index=True, max_length=32)
