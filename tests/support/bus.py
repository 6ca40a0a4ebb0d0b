"""Putting an event on the test's own bus, as another service's relay would.

Every publish here waits for the broker's confirm (and is `mandatory`, so an unroutable message
raises): closing a channel right after an unconfirmed publish may drop the message on its way
into a quorum queue, and a test would then wait for an event that never arrived.
"""
from __future__ import annotations

import pika
from prometheus_client import REGISTRY
from pydantic import BaseModel

from contracts.envelope import EventEnvelope
from infra.amqp import connection_parameters
from tests.support.stack import Stack
from tests.support.waiting import eventually


def subscribed(stack: Stack, service: str) -> None:
    workers = stack.servers[service].server.config.app.state.workers
    eventually(lambda: all(c.ready.is_set() for c in workers.running_consumers), what=f"{service}'s consumers to subscribe")


def publish_confirmed(amqp_url: str, exchange: str, routing_key: str, body: bytes, message_id: str, *, times: int = 1) -> None:
    """Publish `body` `times` times; returns once the broker has confirmed every copy."""
    connection = pika.BlockingConnection(connection_parameters(amqp_url))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        for _ in range(times):
            channel.basic_publish(exchange, routing_key, body, mandatory=True,
                                  properties=pika.BasicProperties(message_id=message_id, delivery_mode=2,
                                                                  content_type="application/json"))
    finally:
        connection.close()


def publish_envelope(amqp_url: str, exchange: str, envelope: EventEnvelope, *, times: int = 1) -> None:
    publish_confirmed(amqp_url, exchange, envelope.type, envelope.to_bytes(), str(envelope.id), times=times)


def publish(stack: Stack, envelope: EventEnvelope, *, times: int = 1) -> None:
    from contracts.topology import topology

    settings = stack.settings
    publish_envelope(settings.amqp_url, topology(settings.amqp_namespace).exchange, envelope, times=times)


def publish_event(stack: Stack, payload: BaseModel, *, producer: str, correlation_id: str, times: int = 1) -> EventEnvelope:
    envelope = EventEnvelope.wrap(payload, producer=producer, correlation_id=correlation_id)
    publish(stack, envelope, times=times)
    return envelope


def consumed(queue: str, outcome: str = "handled") -> float:
    """How many messages a queue's consumer in this process has handled, retried (transient) or failed."""
    return REGISTRY.get_sample_value("duixian_messages_consumed_total", {"consumer": queue, "outcome": outcome}) or 0


def failed_attempts(queue: str) -> float:
    """Handler attempts that raised, whether the message was then kept for a retry or given back."""
    return consumed(queue, "retried") + consumed(queue, "failed")


def ready_messages(amqp_url: str, queue: str) -> int:
    """Messages waiting in `queue` (not those delivered and not yet acked)."""
    connection = pika.BlockingConnection(connection_parameters(amqp_url))
    try:
        return connection.channel().queue_declare(queue, passive=True).method.message_count
    finally:
        connection.close()
