"""payout's tables, in its own SQLModel registry."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, UniqueConstraint
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


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))


class PayoutStage(PayoutTable, table=True):
    """One instalment of a plan, with its own determination (the caps it counts against) and lifecycle."""

    __tablename__ = "payout_stages"
    __table_args__ = (UniqueConstraint("plan_id", "sequence", name="uq_stage_sequence"),
                      Index("ix_payout_stages_entity_year", "entity_id", "year"))

    id: str = Field(primary_key=True, max_length=64)
    plan_id: str = Field(index=True, max_length=64, foreign_key="payout_plans.id")
    sequence: int
    amount_fen: int = _fen()
    status: str = Field(index=True, max_length=32)
    clause_id: str | None = Field(default=None, max_length=64)
    benefit_id: str | None = Field(default=None, max_length=64)
    entity_id: str | None = Field(default=None, max_length=64)
    project_id: str | None = Field(default=None, max_length=64)
    year: int | None = Field(default=None)
    tier: str | None = Field(default=None, max_length=64)
    option: str | None = Field(default=None, max_length=64)
    funding: list[Any] = _json_list()        # [[fund_id, amount_fen], ...] fixed at approval
    cap_keys: list[Any] = _json_list()       # cap counter keys this stage consumed
    prepared_by: str | None = Field(default=None, max_length=128)
    prepared_at: datetime | None = _when(nullable=True)
    approved_by: str | None = Field(default=None, max_length=128)
    approved_at: datetime | None = _when(nullable=True)
    bank_reference: str | None = Field(default=None, max_length=128)
    disbursed_on: date | None = Field(default=None)
    disbursed_by: str | None = Field(default=None, max_length=128)
    failure_reason: str | None = Field(default=None, max_length=500)
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    clawback_reason: str | None = Field(default=None, max_length=500)
    recovered_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    clawed_back_at: datetime | None = _when(nullable=True)


class BankReference(PayoutTable, table=True):
    """A bank transfer's reference (银行流水号/凭证号), claimed for each fund that paid it by the stage it paid.
    One transfer pays one stage for ever: the claim stays when the transfer is returned or clawed back."""

    __tablename__ = "bank_references"

    fund_id: str = Field(primary_key=True, max_length=32)
    reference_key: str = Field(primary_key=True, max_length=255)  # domain.disbursement.reference_key
    stage_id: str = Field(index=True, max_length=64, foreign_key="payout_stages.id")
    bank_reference: str = Field(max_length=128)  # as the clerk recorded it
    recorded_at: datetime = _when()


class LedgerAccount(PayoutTable, table=True):
    """An account's running balance (debit positive); the journal is the truth, replay must agree."""

    __tablename__ = "ledger_accounts"

    code: str = Field(primary_key=True, max_length=128)
    balance_fen: int = Field(sa_column=Column(BigInteger, nullable=False))


class JournalEntry(PayoutTable, table=True):
    __tablename__ = "journal_entries"

    id: str = Field(primary_key=True, max_length=64)
    kind: str = Field(index=True, max_length=32)
    stage_id: str | None = Field(default=None, index=True, max_length=64)
    plan_id: str | None = Field(default=None, max_length=64)
    memo: str = Field(default="", max_length=500)
    posted_by: str = Field(max_length=128)
    posted_at: datetime = _when()


class JournalLine(PayoutTable, table=True):
    __tablename__ = "journal_lines"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: str = Field(index=True, max_length=64, foreign_key="journal_entries.id")
    account: str = Field(index=True, max_length=128)
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))


class CapCounter(PayoutTable, table=True):
    """How much of one cap (catalogue clause cap x scope key) the ledger has committed; locked FOR UPDATE."""

    __tablename__ = "cap_counters"

    key: str = Field(primary_key=True, max_length=255)
    cap_name: str = Field(max_length=64)
    limit_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    used_fen: int = Field(sa_column=Column(BigInteger, nullable=False))


class Budget(PayoutTable, table=True):
    """A fund's budget for a year, loaded by finance."""

    __tablename__ = "budgets"

    fund_id: str = Field(primary_key=True, max_length=32)
    year: int = Field(primary_key=True)
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    loaded_by: str = Field(max_length=128)
    loaded_at: datetime = _when()


class CostShare(PayoutTable, table=True):
    """市县财政分担: the city's share (basis points) of a clause's awards in one county; the county pays the rest."""

    __tablename__ = "cost_shares"

    clause_id: str = Field(primary_key=True, max_length=64)
    county: str = Field(primary_key=True, max_length=6)
    city_share_bp: int
    loaded_by: str = Field(max_length=128)
    loaded_at: datetime = _when()
