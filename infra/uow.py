"""Unit of work: one database transaction in which a service changes state, writes the events
that announce it (transactional outbox) and appends the audit records that account for it (and, every
AUDIT_CHECKPOINT_EVERY records, the checkpoint of its audit chain that the other services keep)."""
from __future__ import annotations

import hashlib
from typing import Any

from pydantic import BaseModel
from sqlalchemy import event, text
from sqlmodel import Session

from contracts.envelope import Actor, EventEnvelope
from infra import audit, audit_checkpoints, outbox
from infra.clock import utcnow
from infra.runtime import ServiceRuntime


class UnitOfWork:
    def __init__(
        self,
        runtime: ServiceRuntime,
        *,
        actor: Actor,
        request_id: str | None = None,
        causation_id: str | None = None,
    ):
        self.runtime = runtime
        self.actor = actor
        self.request_id = request_id
        self.causation_id = causation_id
        self.events: list[EventEnvelope] = []
        self._session: Session | None = None
        self._changed = False
        self._audited = False

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its `with` block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        self._session = Session(self.runtime.db.engine, expire_on_commit=False)
        event.listen(self._session, "before_flush", self._note_changes)
        return self

    def _note_changes(self, session: Session, *_: object) -> None:
        if session.new or session.dirty or session.deleted:
            self._changed = True

    def __exit__(self, *exc_info: object) -> None:
        session, self._session = self._session, None
        if session is not None:
            session.rollback()
            session.close()

    def lock(self, name: str) -> None:
        """Serialise the rest of this transaction with every other transaction of the service that takes the
        lock `name`, until commit or rollback. PostgreSQL: a transaction-level advisory lock, one per service
        database (schema) and name; SQLite: nothing to take, every writing transaction already runs alone
        (BEGIN IMMEDIATE at its first statement, infra/db.py)."""
        db = self.runtime.db
        if db.is_postgres:
            digest = hashlib.sha256(f"{db.schema or ''}/{name}".encode()).digest()
            self.session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                 {"key": int.from_bytes(digest[:8], "big", signed=True)})

    def publish(self, payload: BaseModel, *, correlation_id: str) -> EventEnvelope:
        envelope = EventEnvelope.wrap(
            payload,
            producer=self.runtime.name,
            correlation_id=correlation_id,
            causation_id=self.causation_id or self.request_id,
            actor=self.actor,
        )
        outbox.write(self.session, self.runtime.tables, envelope)
        self.events.append(envelope)
        return envelope

    def audit(
        self,
        action: str,
        object_type: str,
        object_id: str,
        *,
        before: Any = None,
        after: Any = None,
    ) -> None:
        conn, settings = self.session.connection(), self.runtime.settings
        row = audit.append(
            conn,
            self.runtime.tables,
            {
                "occurred_at": utcnow(),
                "actor": self.actor.subject,
                "role": self.actor.role,
                "organisation": self.actor.organisation,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "before": audit.canonical(before),
                "after": audit.canonical(after),
                "request_id": self.request_id,
            },
            audit.AuditKeys.from_settings(settings),
        )
        self._audited = True
        if audit_checkpoints.due(conn, self.runtime.tables, row, settings.audit_checkpoint_every):
            audit_checkpoints.mark(conn, self.runtime.tables, row["seq"])
            self.publish(audit_checkpoints.checkpoint_of(self.runtime.name, row),
                         correlation_id=audit_checkpoints.correlation_of(self.runtime.name))

    def commit(self) -> None:
        """Commit the state change, its events and its audit records together.

        Refuses a state change that wrote no audit record: every change must be accounted for."""
        self.session.flush()
        if (self._changed or self.events) and not self._audited:
            raise UnauditedChange(f"{self.runtime.name}: state changed without an audit record")
        self.session.commit()
        self._changed = self._audited = False
        if self.events:
            self.runtime.db.outbox_ready.set()
        self.events = []


class UnauditedChange(RuntimeError):
    """A programming error: a service changed state without writing its audit record."""
