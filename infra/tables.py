"""Tables every service has in its own database: outbox, inbox, idempotency keys, audit log.

Defined with SQLAlchemy Core on the service's own MetaData, so each service's Alembic history
creates them next to its domain tables and the services never share a table.
"""
from __future__ import annotations

from dataclasses import dataclass

from infra.types import UtcDateTime
from sqlalchemy import (
    BigInteger,
    Column,

    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

ID = String(64)


@dataclass(frozen=True)
class InfraTables:
    outbox: Table
    inbox: Table
    idempotency: Table
    audit_log: Table
    audit_head: Table


def add_infra_tables(metadata: MetaData) -> InfraTables:
    outbox = Table(
        "outbox",
        metadata,
        Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("message_id", ID, nullable=False, unique=True),
        Column("event_type", String(128), nullable=False),
        Column("correlation_id", ID, nullable=False),
        Column("body", Text, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("published_at", UtcDateTime(), nullable=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=True),
        Index("ix_outbox_unpublished", "published_at", "seq"),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("consumer", String(128), nullable=False),
        Column("message_id", ID, nullable=False),
        Column("event_type", String(128), nullable=False),
        Column("received_at", UtcDateTime(), nullable=False),
        PrimaryKeyConstraint("consumer", "message_id", name="pk_inbox"),
    )
    idempotency = Table(
        "idempotency_keys",
        metadata,
        Column("organisation", String(128), nullable=False),
        Column("subject", String(128), nullable=False),
        Column("route", String(255), nullable=False),
        Column("key", String(255), nullable=False),
        Column("fingerprint", String(64), nullable=False),
        Column("status_code", Integer, nullable=False),
        Column("response_body", Text, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        PrimaryKeyConstraint("organisation", "subject", "route", "key", name="pk_idempotency_keys"),
    )
    audit_log = Table(
        "audit_log",
        metadata,
        Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False),
        Column("occurred_at", UtcDateTime(), nullable=False),
        Column("actor", String(128), nullable=False),
        Column("role", String(64), nullable=False),
        Column("organisation", String(128), nullable=True),
        Column("action", String(128), nullable=False),
        Column("object_type", String(64), nullable=False),
        Column("object_id", ID, nullable=False),
        Column("before", Text, nullable=True),
        Column("after", Text, nullable=True),
        Column("request_id", String(64), nullable=True),
        Column("prev_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False),
        Index("ix_audit_object", "object_type", "object_id"),
    )
    audit_head = Table(
        "audit_head",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("last_seq", BigInteger().with_variant(Integer, "sqlite"), nullable=False),
        Column("last_hash", String(64), nullable=False),
    )
    return InfraTables(outbox, inbox, idempotency, audit_log, audit_head)


# Append-only at the database too: updates and deletes of audit records are refused.
_APPEND_ONLY_SQL = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION duixian_audit_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql""",
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION duixian_audit_append_only()",
    ],
    "sqlite": [
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    ],
}
_DROP_APPEND_ONLY_SQL = {
    "postgresql": ["DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
                   "DROP FUNCTION IF EXISTS duixian_audit_append_only()"],
    "sqlite": ["DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete"],
}


def make_audit_log_append_only(op) -> None:  # type: ignore[no-untyped-def]
    """For a service migration: seed the chain head (so appenders always find a row to lock)
    and install the triggers for the connected dialect."""
    op.execute("INSERT INTO audit_head (id, last_seq, last_hash) SELECT 1, 0, '" + "0" * 64 + "' "
               "WHERE NOT EXISTS (SELECT 1 FROM audit_head WHERE id = 1)")
    for statement in _APPEND_ONLY_SQL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def drop_audit_log_append_only(op) -> None:  # type: ignore[no-untyped-def]
    for statement in _DROP_APPEND_ONLY_SQL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def scope_idempotency_keys_by_organisation_and_route(op) -> None:  # type: ignore[no-untyped-def]
    """For a service migration: idempotency keys were scoped by subject alone; now by (organisation,
    subject, route). Stored rows name neither: the worker's (subject duixian-worker) belong to its
    organisation `duixian`, so an activity retried across the upgrade still finds its response; a
    person's cannot be attributed and are kept but never replayed (organisation ''). All keep route ''
    (infra/idempotency.LEGACY_ROUTE), which matches any route: their fingerprint still binds their path."""
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.add_column(Column("organisation", String(128), nullable=False, server_default=""))
        batch.add_column(Column("route", String(255), nullable=False, server_default=""))
        batch.alter_column("scope", new_column_name="subject", existing_type=String(128), existing_nullable=False)
    op.execute("UPDATE idempotency_keys SET organisation = 'duixian' WHERE subject = 'duixian-worker'")
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.drop_constraint("pk_idempotency_keys", type_="primary")
        batch.create_primary_key("pk_idempotency_keys", ["organisation", "subject", "route", "key"])
        batch.alter_column("organisation", server_default=None, existing_type=String(128), existing_nullable=False)
        batch.alter_column("route", server_default=None, existing_type=String(255), existing_nullable=False)


def unscope_idempotency_keys(op) -> None:  # type: ignore[no-untyped-def]
    """Back to keys per subject: of rows sharing (subject, key) one is kept (the first by organisation, route)."""
    op.execute(
        "DELETE FROM idempotency_keys WHERE EXISTS (SELECT 1 FROM idempotency_keys AS other "
        "WHERE other.subject = idempotency_keys.subject AND other.key = idempotency_keys.key "
        "AND (other.organisation < idempotency_keys.organisation OR "
        "(other.organisation = idempotency_keys.organisation AND other.route < idempotency_keys.route)))"
    )
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.drop_constraint("pk_idempotency_keys", type_="primary")
        batch.drop_column("organisation")
        batch.drop_column("route")
        batch.alter_column("subject", new_column_name="scope", existing_type=String(128), existing_nullable=False)
        batch.create_primary_key("pk_idempotency_keys", ["scope", "key"])
