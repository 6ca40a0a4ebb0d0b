"""audit_log is append-only in the database (updates and deletes refused by triggers)

Revision ID: 791a4a908e4c
Revises: a93e8a48bc12
"""
from alembic import op

from infra.tables import drop_audit_log_append_only, make_audit_log_append_only

revision = "791a4a908e4c"
down_revision = "a93e8a48bc12"
branch_labels = None
depends_on = None


def upgrade() -> None:
    make_audit_log_append_only(op)


def downgrade() -> None:
    drop_audit_log_append_only(op)
