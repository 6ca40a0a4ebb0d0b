"""idempotency keys scoped by (organisation, subject, route), not by subject alone

Another organisation's user with the same subject and key got the stored response. Existing rows:
the worker's move to its organisation `duixian`; a person's are kept but no longer replayed
(see infra.tables.scope_idempotency_keys_by_organisation_and_route).

Revision ID: 7d8704a5e372
Revises: 9b66c495a006
Create Date: 2026-12-01 04:34:06.757417
"""
from alembic import op

from infra.tables import scope_idempotency_keys_by_organisation_and_route, unscope_idempotency_keys

revision = "7d8704a5e372"
down_revision = "9b66c495a006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    scope_idempotency_keys_by_organisation_and_route(op)


def downgrade() -> None:
    unscope_idempotency_keys(op)
