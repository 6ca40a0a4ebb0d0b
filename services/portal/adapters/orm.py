"""The portal's own tables, in its own database (it never opens a service's): server-side sessions, and
applicants' drafts (what they have not sent yet: no service holds it until they submit).
The portal publishes no events; its directory, once edited on the admin pages, lives here with the audit chain
(infra/tables.py's tables: the portal writes only audit_log and audit_head)."""
from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table, Text, UniqueConstraint

from infra.tables import add_infra_tables
from infra.types import UtcDateTime

metadata = MetaData()
infra_tables = add_infra_tables(metadata)

sessions = Table(
    "portal_session",
    metadata,
    Column("id_hash", String(64), primary_key=True, comment="SHA-256 of the cookie's session id (the id itself is not stored)"),
    Column("data", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("last_seen_at", UtcDateTime(), nullable=False),
    Index("ix_portal_session_last_seen_at", "last_seen_at"),
)

drafts = Table(
    "portal_draft",
    metadata,
    Column("id", String(64), primary_key=True, comment="the form's submission id: also the idempotency key it is sent with"),
    Column("organisation", String(128), nullable=False, comment="whose draft (an enterprise's USCC): only it may open it"),
    Column("saved_by", String(128), nullable=False),
    Column("kind", String(32), nullable=False, comment="application"),
    Column("target", String(64), nullable=False, comment="what it applies for (the clause id)"),
    Column("form_values", Text, nullable=False, comment="the form's fields as typed (JSON)"),
    Column("sent_as", String(64), nullable=True, comment="the application it became once submitted"),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Index("ix_portal_draft_organisation", "organisation"),
)

draft_files = Table(
    "portal_draft_file",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("draft_id", String(64), ForeignKey("portal_draft.id", ondelete="CASCADE"), nullable=False),
    Column("filename", String(200), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("added_at", UtcDateTime(), nullable=False),
    UniqueConstraint("draft_id", "sha256", name="uq_portal_draft_file"),
)

directory_entries = Table(
    "portal_directory_entry",
    metadata,
    Column("subject", String(128), primary_key=True, comment="the identity provider's subject (an enterprise's USCC)"),
    Column("name", String(100), nullable=False),
    Column("role", String(64), nullable=False),
    Column("organisation", String(128), nullable=False),
    Column("region", String(6), nullable=True),
    Column("chains", Text, nullable=False, comment="JSON list of chain ids"),
    Column("updated_by", String(128), nullable=False, comment="who last changed it (the YAML's initial load: system)"),
    Column("updated_at", UtcDateTime(), nullable=False),
)
