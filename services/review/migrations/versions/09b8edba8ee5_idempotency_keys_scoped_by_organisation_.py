"""idempotency keys scoped by (organisation, subject, route), not by subject alone

Another organisation's user with the same subject and key got the stored response. Existing rows:
the worker's move to its organisation `duixian`; a person's are kept but no longer replayed
(see infra.tables.scope_idempotency_keys_by_organisation_and_route).

Revision ID: 09b8edba8ee5
Revises: 13b9c6cc2292
Create Date: 2026-12-01 04:34:08.105749
"""
from alembic import op

from infra.tables import scope_idempotency_keys_by_organisation_and_route, unscope_idempotency_keys

revision = "09b8edba8ee5"
down_revision = "13b9c6cc2292"
branch_labels = None
depends_on = None


def upgrade() -> None:
    scope_idempotency_keys_by_organisation_and_route(op)


def downgrade() -> None:
    unscope_idempotency_keys(op)
