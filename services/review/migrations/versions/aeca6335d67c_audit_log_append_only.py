"""audit_log is append-only in the database (updates and deletes refused by triggers)

Revision ID: aeca6335d67c
Revises: 2387544e18b6
"""
from alembic import op

from infra.tables import drop_audit_log_append_only, make_audit_log_append_only

revision = "aeca6335d67c"
down_revision = "2387544e18b6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    make_audit_log_append_only(op)


def downgrade() -> None:
    drop_audit_log_append_only(op)
