"""audit chain keyed with HMAC and anchored by checkpoints kept elsewhere

The same step in every service's history: infra.tables.key_the_audit_chain says what it adds.

Revision ID: 63899b50e5a9
Revises: 7d8704a5e372
Create Date: 2026-12-01 04:39:30.715346
"""
from alembic import op

from infra.tables import key_the_audit_chain, unkey_the_audit_chain

revision = "63899b50e5a9"
down_revision = "7d8704a5e372"
branch_labels = None
depends_on = None


def upgrade() -> None:
    key_the_audit_chain(op)


def downgrade() -> None:
    unkey_the_audit_chain(op)
