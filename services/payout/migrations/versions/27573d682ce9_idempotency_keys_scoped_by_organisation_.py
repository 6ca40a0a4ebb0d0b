"""idempotency keys scoped by (organisation, subject, route), not by subject alone

Another organisation's user with the same subject and key got the stored response. Existing rows:
the worker's move to its organisation `duixian`; a person's are kept but no longer replayed
(see infra.tables.scope_idempotency_keys_by_organisation_and_route).

Revision ID: 27573d682ce9
Revises: 41a89c9aab5b
Create Date: 2026-12-01 04:34:09.677872
"""
from alembic import op

from infra.tables import scope_idempotency_keys_by_organisation_and_route, unscope_idempotency_keys

revision = "27573d682ce9"
down_revision = "41a89c9aab5b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    scope_idempotency_keys_by_organisation_and_route(op)


def downgrade() -> None:
    unscope_idempotency_keys(op)
