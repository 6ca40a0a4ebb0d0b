"""Idempotent message handling: the inbox row and the handler's effects commit together."""
from __future__ import annotations

from collections.abc import Callable

import pika
import structlog
from sqlalchemy import insert, select

from contracts.envelope import EventEnvelope
from infra.clock import utcnow
from infra.failures import UnknownEventType
from infra.runtime import ServiceRuntime
from infra.uow import UnitOfWork

log = structlog.get_logger(__name__)

EventHandler = Callable[[UnitOfWork, EventEnvelope], None]


class InboxHandler:
    """Applies each message once per consumer: a redelivered or re-published message id is skipped."""

    def __init__(self, runtime: ServiceRuntime, consumer: str, handlers: dict[str, EventHandler]):
        self.runtime = runtime
        self.consumer = consumer
        self.handlers = handlers

    def __call__(self, body: bytes, properties: pika.BasicProperties) -> None:
        envelope = EventEnvelope.from_bytes(body)
        handler = self.handlers.get(envelope.type)
        if handler is None:
            raise UnknownEventType(f"consumer {self.consumer} has no handler for {envelope.type}")
        inbox = self.runtime.tables.inbox
        with UnitOfWork(self.runtime, actor=envelope.actor, causation_id=str(envelope.id)) as uow:
            seen = uow.session.execute(
                select(inbox.c.message_id).where(
                    inbox.c.consumer == self.consumer, inbox.c.message_id == str(envelope.id)
                )
            ).first()
            if seen is not None:
                log.info("message_duplicate_skipped", consumer=self.consumer, message_id=str(envelope.id))
                return
            uow.session.execute(
                insert(inbox).values(
                    consumer=self.consumer, message_id=str(envelope.id), event_type=envelope.type, received_at=utcnow()
                )
            )
            handler(uow, envelope)
            uow.audit(
                f"apply:{envelope.type}",
                "message",
                str(envelope.id),
                after={"consumer": self.consumer, "correlation_id": envelope.correlation_id, "producer": envelope.producer},
            )
            uow.commit()
