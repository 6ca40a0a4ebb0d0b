"""audit chain keyed with HMAC and anchored by checkpoints kept elsewhere

The same step in every service's history: infra.tables.key_the_audit_chain says what it adds.

Revision ID: 4d3558840fd2
Revises: 09b8edba8ee5
Create Date: 2026-12-01 04:39:34.951109
"""
from alembic import op

from infra.tables import key_the_audit_chain, unkey_the_audit_chain

revision = "4d3558840fd2"
down_revision = "09b8edba8ee5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    key_the_audit_chain(op)


def downgrade() -> None:
    unkey_the_audit_chain(op)
