"""Putting an event on the test's own bus, as another service's relay would."""
from __future__ import annotations

import pika
from pydantic import BaseModel

from contracts.envelope import EventEnvelope
from infra.amqp import connection_parameters
from tests.support.stack import Stack
from tests.support.waiting import eventually


def subscribed(stack: Stack, service: str) -> None:
    workers = stack.servers[service].server.config.app.state.workers
    eventually(lambda: all(c.ready.is_set() for c in workers.running_consumers), what=f"{service}'s consumers to subscribe")


def publish(stack: Stack, envelope: EventEnvelope, *, times: int = 1) -> None:
    settings = stack.settings
    connection = pika.BlockingConnection(connection_parameters(settings.amqp_url))
    channel = connection.channel()
    from contracts.topology import topology

    exchange = topology(settings.amqp_namespace).exchange
    for _ in range(times):
        channel.basic_publish(exchange, envelope.type, envelope.to_bytes(),
                              properties=pika.BasicProperties(message_id=str(envelope.id), delivery_mode=2))
    connection.close()


def publish_event(stack: Stack, payload: BaseModel, *, producer: str, correlation_id: str, times: int = 1) -> EventEnvelope:
    envelope = EventEnvelope.wrap(payload, producer=producer, correlation_id=correlation_id)
    publish(stack, envelope, times=times)
    return envelope
