"""Tables every service has in its own database: outbox, inbox, idempotency keys, audit log and head, and the
audit checkpoints it keeps of the other services' chains.

Defined with SQLAlchemy Core on the service's own MetaData, so each service's Alembic history
creates them next to its domain tables and the services never share a table.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
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

from infra.types import UtcDateTime

if TYPE_CHECKING:
    from alembic.operations import Operations

ID = String(64)


@dataclass(frozen=True)
class InfraTables:
    outbox: Table
    inbox: Table
    idempotency: Table
    audit_log: Table
    audit_head: Table
    audit_checkpoints: Table


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
        Column("hash", String(64), nullable=False),  # HMAC-SHA256 (SHA-256 for records before the chain was keyed)
        Column("key_id", String(16), nullable=True),  # the signing key's id; NULL before the chain was keyed
        Index("ix_audit_object", "object_type", "object_id"),
    )
    audit_head = Table(
        "audit_head",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("last_seq", BigInteger().with_variant(Integer, "sqlite"), nullable=False),
        Column("last_hash", String(64), nullable=False),
        Column("keyed_from_seq", BigInteger().with_variant(Integer, "sqlite"), nullable=True),
        Column("checkpoint_seq", BigInteger().with_variant(Integer, "sqlite"), nullable=False, server_default="0"),
    )
    audit_checkpoints = Table(
        "audit_checkpoints",
        metadata,
        Column("service", String(64), nullable=False),
        Column("seq", BigInteger().with_variant(Integer, "sqlite"), nullable=False),
        Column("hash", String(64), nullable=False),
        Column("key_id", String(16), nullable=True),
        Column("published_at", UtcDateTime(), nullable=False),
        Column("received_at", UtcDateTime(), nullable=False),
        Column("message_id", ID, nullable=False),
        # two heads for one seq are both kept: the disagreement is the evidence
        PrimaryKeyConstraint("service", "seq", "hash", name="pk_audit_checkpoints"),
    )
    return InfraTables(outbox, inbox, idempotency, audit_log, audit_head, audit_checkpoints)


# Append-only at the database too: updates and deletes of audit records (and of kept checkpoints) are refused.
def _append_only_sql(dialect: str, table: str, function: str) -> list[str]:
    if dialect == "postgresql":
        return [f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql""",
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()"]
    if dialect == "sqlite":
        return [f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"]
    return []


def _drop_append_only_sql(dialect: str, table: str, function: str) -> list[str]:
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}", f"DROP FUNCTION IF EXISTS {function}()"]
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]
    return []


def make_audit_log_append_only(op: Operations) -> None:
    """For a service migration: seed the chain head (so appenders always find a row to lock)
    and install the triggers for the connected dialect."""
    op.execute("INSERT INTO audit_head (id, last_seq, last_hash) SELECT 1, 0, '" + "0" * 64 + "' "
               "WHERE NOT EXISTS (SELECT 1 FROM audit_head WHERE id = 1)")
    for statement in _append_only_sql(op.get_bind().dialect.name, "audit_log", "duixian_audit_append_only"):
        op.execute(statement)


def drop_audit_log_append_only(op: Operations) -> None:
    for statement in _drop_append_only_sql(op.get_bind().dialect.name, "audit_log", "duixian_audit_append_only"):
        op.execute(statement)


def scope_idempotency_keys_by_organisation_and_route(op: Operations) -> None:
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


def unscope_idempotency_keys(op: Operations) -> None:
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


def make_append_only(op: Operations, table: str) -> None:
    for statement in _append_only_sql(op.get_bind().dialect.name, table, f"duixian_{table}_append_only"):
        op.execute(statement)


def drop_append_only(op: Operations, table: str) -> None:
    for statement in _drop_append_only_sql(op.get_bind().dialect.name, table, f"duixian_{table}_append_only"):
        op.execute(statement)


def key_the_audit_chain(op: Operations) -> None:
    """For each service's migration (the same step in all three histories): `audit_log.key_id` names the key
    that signed a record (records already written keep NULL and verify as the plain SHA-256 chain they are);
    `audit_head.keyed_from_seq` is set by the first keyed append (so what an old replica writes during a rollout
    is still a plain record) and `checkpoint_seq` by each published checkpoint; `audit_checkpoints` holds the
    other services' chain heads, append-only like audit_log. Written out here, not derived from the tables
    above, so that later model changes do not change this step."""
    seq = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "audit_checkpoints",
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("seq", seq, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("service", "seq", "hash", name="pk_audit_checkpoints"),
    )
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.add_column(sa.Column("keyed_from_seq", seq, nullable=True))
        batch_op.add_column(sa.Column("checkpoint_seq", seq, server_default="0", nullable=False))
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))
    make_append_only(op, "audit_checkpoints")


def unkey_the_audit_chain(op: Operations) -> None:
    drop_append_only(op, "audit_checkpoints")
    drop_audit_log_append_only(op)  # SQLite rebuilds the table to drop a column: the triggers go with it
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("key_id")
    make_audit_log_append_only(op)
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_column("checkpoint_seq")
        batch_op.drop_column("keyed_from_seq")
    op.drop_table("audit_checkpoints")
