"""Checkpoints of each service's audit chain, kept in the other services' databases.

A service publishes its chain head — `<service>.audit_checkpoint.recorded` (seq, HMAC) — through its outbox:
in the transaction of the record that completes AUDIT_CHECKPOINT_EVERY records since the last checkpoint
(`due`, called by the unit of work), and from a background ticker every AUDIT_CHECKPOINT_SECONDS when the
chain has moved since. The other two services (only they bind to it) keep what they receive (`keep`) in their own
`audit_checkpoints` table (append-only); `duixian audit verify` holds a chain against them
(`infra.audit.verify`): a checkpoint beyond the chain's end means its tail was cut, one that disagrees
means the chain was rewritten — even by someone holding the key.

Keeping a checkpoint writes an audit record at the keeper (every applied message does). Those records never
make a checkpoint due, so checkpoints cannot bounce between the services for ever.
"""
from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy import Connection, select, update

from contracts.envelope import Actor, EventEnvelope
from contracts.events.audit import CHECKPOINT_EVENTS, AuditCheckpoint
from contracts.registry import spec_of
from infra import outbox
from infra.audit import Checkpoint, Record
from infra.clock import utcnow
from infra.db import insert_if_absent
from infra.failures import PermanentFailure
from infra.tables import InfraTables

if TYPE_CHECKING:
    from infra.inbox import EventHandler
    from infra.runtime import ServiceRuntime
    from infra.uow import UnitOfWork

log = structlog.get_logger(__name__)

EVENT_TYPES = {spec_of(model).event_type: service for service, model in CHECKPOINT_EVENTS.items()}
APPLIED = frozenset(f"apply:{event_type}" for event_type in EVENT_TYPES)  # the keeper's audit action


def correlation_of(service: str) -> str:
    return f"audit:{service}"


def checkpoint_of(service: str, row: Record) -> AuditCheckpoint:
    return CHECKPOINT_EVENTS[service](seq=row["seq"], hash=row["hash"], key_id=row["key_id"])


def due(conn: Connection, tables: InfraTables, row: Mapping[str, Any], every: int) -> bool:
    """Whether the record just appended (audit_head locked) completes `every` records since the last checkpoint."""
    if row["action"] in APPLIED:
        return False
    marked = conn.execute(select(tables.audit_head.c.checkpoint_seq).where(tables.audit_head.c.id == 1)).scalar_one()
    return row["seq"] - marked >= every


def mark(conn: Connection, tables: InfraTables, seq: int) -> None:
    conn.execute(update(tables.audit_head).where(tables.audit_head.c.id == 1).values(checkpoint_seq=seq))


class CheckpointTicker:
    """Publishes the head every AUDIT_CHECKPOINT_SECONDS when records other than kept checkpoints followed the
    last checkpoint, so a quiet service's tail is anchored within one interval. Several replicas are safe:
    the head row is locked and the second one finds the checkpoint already published."""

    def __init__(self, runtime: ServiceRuntime):
        self.runtime = runtime
        self.actor = Actor(subject=runtime.name, role="system")

    def run(self, stop: threading.Event) -> None:
        while not stop.wait(self.runtime.settings.audit_checkpoint_seconds):
            try:
                self.publish_if_moved()
            except Exception as error:  # the database may be away: try again next interval
                log.warning("audit_checkpoint_failed", service=self.runtime.name, error=repr(error)[:500])

    def publish_if_moved(self) -> bool:
        tables, log_table = self.runtime.tables, self.runtime.tables.audit_log
        with self.runtime.db.engine.begin() as conn:
            head = conn.execute(select(tables.audit_head).where(tables.audit_head.c.id == 1).with_for_update()).first()
            if head is None or conn.execute(select(log_table.c.seq).where(
                    log_table.c.seq > head.checkpoint_seq, log_table.c.action.not_in(sorted(APPLIED))).limit(1)).first() is None:
                return False
            row = conn.execute(select(log_table).where(log_table.c.seq == head.last_seq)).mappings().one()
            envelope = EventEnvelope.wrap(checkpoint_of(self.runtime.name, row), producer=self.runtime.name,
                                          correlation_id=correlation_of(self.runtime.name), actor=self.actor)
            outbox.write(conn, tables, envelope)
            mark(conn, tables, head.last_seq)
        self.runtime.db.outbox_ready.set()
        return True


def keep(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    """Keep another service's checkpoint. A second, different head for a seq already kept is kept too: the
    disagreement is what `verify` reports. A checkpoint of one service published by another is refused."""
    service = EVENT_TYPES[envelope.type]
    if envelope.producer != service:
        raise PermanentFailure(f"{envelope.type} published by {envelope.producer}: only {service} checkpoints its chain")
    checkpoint = AuditCheckpoint.model_validate(envelope.payload)
    insert_if_absent(uow.session, uow.runtime.tables.audit_checkpoints, {
        "service": service, "seq": checkpoint.seq, "hash": checkpoint.hash, "key_id": checkpoint.key_id,
        "published_at": envelope.occurred_at, "received_at": utcnow(), "message_id": str(envelope.id)})


HANDLERS: dict[str, EventHandler] = {event_type: keep for event_type in EVENT_TYPES}


def kept_about(conn: Connection, tables: InfraTables, service: str, keeper: str) -> list[Checkpoint]:
    """The checkpoints of `service`'s chain that the service `keeper` (whose database `conn` is) holds."""
    table = tables.audit_checkpoints
    rows = conn.execute(select(table.c.seq, table.c.hash).where(table.c.service == service).order_by(table.c.seq))
    return [Checkpoint(service, seq, hash_, keeper) for seq, hash_ in rows]
