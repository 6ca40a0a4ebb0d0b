"""The portal's own tables, in its own database (it never opens a service's): server-side sessions.
The portal publishes no events and keeps no outbox; the directory's admin pages will add the audit chain."""
from __future__ import annotations

from sqlalchemy import Column, Index, MetaData, String, Table, Text

from infra.types import UtcDateTime

metadata = MetaData()

sessions = Table(
    "portal_session",
    metadata,
    Column("id_hash", String(64), primary_key=True, comment="SHA-256 of the cookie's session id (the id itself is not stored)"),
    Column("data", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("last_seen_at", UtcDateTime(), nullable=False),
    Index("ix_portal_session_last_seen_at", "last_seen_at"),
)
