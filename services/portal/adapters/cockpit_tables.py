"""The cockpit's projection (领导驾驶舱, 长办发〔2020〕17号 第28条) in the portal's database: written only by the
`cockpit` consumer from the services' events, read by the cockpit pages. Every row merges what its events said
in an order-free way (earliest/latest instant, flags), so events applied in any order give the same rows."""
from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, Index, Integer, String, Table

from infra.types import UtcDateTime
from services.portal.adapters.orm import metadata

events = Table(
    "portal_cockpit_event",
    metadata,
    Column("event_id", String(36), primary_key=True, comment="the envelope's id: each event is applied once"),
    Column("event_type", String(100), nullable=False),
    Column("correlation_id", String(128), nullable=False),
    Column("occurred_at", UtcDateTime(), nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
)

cases = Table(
    "portal_cockpit_case",
    metadata,
    Column("case_id", String(128), primary_key=True),
    Column("clause_id", String(64), nullable=True),
    Column("region", String(6), nullable=True, comment="the applicant's 行政区划代码"),
    Column("submitted_at", UtcDateTime(), nullable=True),
    Column("task_opened_at", UtcDateTime(), nullable=True, comment="the latest task opened on the case"),
    Column("supplement_at", UtcDateTime(), nullable=True, comment="the latest 补正 asked"),
    Column("resubmitted_at", UtcDateTime(), nullable=True, comment="the latest answer to a 补正"),
    Column("rejected", Boolean, nullable=False, default=False),
    Column("plan_opened", Boolean, nullable=False, default=False),
    Column("plan_status", String(32), nullable=True, comment="the plan status of the latest stage event"),
    Column("plan_status_at", UtcDateTime(), nullable=True),
    Index("ix_portal_cockpit_case_submitted_at", "submitted_at"),
)

steps = Table(
    "portal_cockpit_step",
    metadata,
    Column("task_id", String(128), primary_key=True),
    Column("case_id", String(128), nullable=False),
    Column("kind", String(64), nullable=True),
    Column("organisation", String(128), nullable=True),
    Column("opened_at", UtcDateTime(), nullable=True),
    Column("due_at", UtcDateTime(), nullable=True),
    Column("decided_at", UtcDateTime(), nullable=True),
    Column("decision", String(16), nullable=True),
    Column("determined_fen", BigInteger, nullable=True, comment="核定 amount, when the decision fixed one"),
    Column("reported_overdue", Boolean, nullable=False, default=False),
    Index("ix_portal_cockpit_step_case_id", "case_id"),
)

stages = Table(
    "portal_cockpit_stage",
    metadata,
    Column("stage_id", String(128), primary_key=True),
    Column("plan_id", String(128), nullable=False),
    Column("case_id", String(128), nullable=False),
    Column("clause_id", String(64), nullable=False),
    Column("region", String(6), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("approved_at", UtcDateTime(), nullable=True),
    Column("disbursed_on", Date, nullable=True),
    Column("clawed_back_fen", BigInteger, nullable=False, default=0),
    Column("failures", Integer, nullable=False, default=0),
    Index("ix_portal_cockpit_stage_case_id", "case_id"),
)

budgets = Table(
    "portal_cockpit_budget",
    metadata,
    Column("fund_id", String(32), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("loaded_at", UtcDateTime(), nullable=False, comment="a later load replaces an earlier one, not a later message"),
)

candidacies = Table(
    "portal_cockpit_candidacy",
    metadata,
    Column("candidacy_id", String(128), primary_key=True),
    Column("round_id", String(128), nullable=True),
    Column("kind", String(32), nullable=True),
    Column("chain_id", String(64), nullable=True),
    Column("nominated", Boolean, nullable=False, default=False),
    Column("recommended", Boolean, nullable=False, default=False),
    Column("proposed", Boolean, nullable=False, default=False),
    Column("publicised", Boolean, nullable=False, default=False),
    Column("published", Boolean, nullable=False, default=False),
)
