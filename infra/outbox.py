"""Writing an event into a service's outbox, in the caller's transaction (the relay publishes it later)."""
from __future__ import annotations

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from contracts.envelope import EventEnvelope
from infra.tables import InfraTables


def write(executor: Connection | Session, tables: InfraTables, envelope: EventEnvelope) -> None:
    executor.execute(
        insert(tables.outbox).values(
            message_id=str(envelope.id),
            event_type=envelope.type,
            correlation_id=envelope.correlation_id,
            body=envelope.model_dump_json(),
            created_at=envelope.occurred_at,
            attempts=0,
        )
    )
