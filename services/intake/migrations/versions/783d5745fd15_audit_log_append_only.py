"""audit_log is append-only in the database (updates and deletes refused by triggers)

Revision ID: 783d5745fd15
Revises: 9c2bbc160721
"""
from alembic import op

from infra.tables import drop_audit_log_append_only, make_audit_log_append_only

revision = "783d5745fd15"
down_revision = "9c2bbc160721"
branch_labels = None
depends_on = None


def upgrade() -> None:
    make_audit_log_append_only(op)


def downgrade() -> None:
    drop_audit_log_append_only(op)
