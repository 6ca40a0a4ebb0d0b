"""audit chain keyed with HMAC and anchored by checkpoints kept elsewhere

The same step in every service's history: infra.tables.key_the_audit_chain says what it adds.

Revision ID: fbd2e5286064
Revises: 29d13c904995
Create Date: 2026-12-01 04:39:38.031079
"""
from alembic import op

from infra.tables import key_the_audit_chain, unkey_the_audit_chain

revision = "fbd2e5286064"
down_revision = "29d13c904995"
branch_labels = None
depends_on = None


def upgrade() -> None:
    key_the_audit_chain(op)


def downgrade() -> None:
    unkey_the_audit_chain(op)
