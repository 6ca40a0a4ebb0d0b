"""A consumer's dead letters (`<queue>.dead`): looked at without losing them, and replayed into the
consumer's own queue once their cause is fixed (`duixian dlq list|replay`).

Replay publishes through the default exchange with the queue's name as routing key, so only that
consumer gets the message again (not every queue bound to its event type); the consumer's inbox
drops it if it had been applied after all. A dead letter is acked, and so leaves `<queue>.dead`,
only after the broker confirmed the copy; whatever is not replayed goes back where it was.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pika
from pika.adapters.blocking_connection import BlockingChannel

from contracts.queues import QueueSpec
from infra.amqp import connection_parameters

_DEATH_HEADERS = ("x-death", "x-delivery-count", "x-first-death-exchange", "x-first-death-queue",
                  "x-first-death-reason", "x-last-death-exchange", "x-last-death-queue", "x-last-death-reason")


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    event_type: str | None
    correlation_id: str | None
    reason: str | None  # rejected (invalid message) or delivery_limit (failed too often)
    deaths: int
    first_death_at: datetime | None

    @classmethod
    def of(cls, properties: pika.BasicProperties) -> DeadLetter:
        headers: dict[str, Any] = properties.headers or {}
        deaths = [d for d in headers.get("x-death") or [] if isinstance(d, dict)]
        first = deaths[-1] if deaths else {}  # RabbitMQ puts the latest death first
        return cls(
            message_id=properties.message_id or "(no message id)",
            event_type=properties.type,
            correlation_id=properties.correlation_id,
            reason=_text(headers.get("x-first-death-reason") or first.get("reason")),
            deaths=sum(int(d.get("count", 1)) for d in deaths) or 1,
            first_death_at=_utc(first.get("time")),
        )


def list_dead_letters(amqp_url: str, queue: QueueSpec) -> list[DeadLetter]:
    """Every dead letter of `queue`, oldest first; they all stay in the dead-letter queue."""
    with _channel(amqp_url) as channel:
        return [DeadLetter.of(properties) for _, properties, _ in _drain(channel, queue.dead_letter_queue)]


def replay(amqp_url: str, queue: QueueSpec, message_id: str | None = None) -> list[DeadLetter]:
    """Move `queue`'s dead letters (or only the one with `message_id`) back into `queue`."""
    replayed: list[DeadLetter] = []
    with _channel(amqp_url) as channel, _channel(amqp_url) as publisher:
        publisher.confirm_delivery()
        for method, properties, body in _drain(channel, queue.dead_letter_queue):
            if message_id is not None and properties.message_id != message_id:
                continue  # left unacked: back in the dead-letter queue when the channel closes
            # Raises if the broker refuses the copy (queue full, queue gone): the dead letter stays.
            publisher.basic_publish("", queue.name, body, properties=_fresh(properties), mandatory=True)
            channel.basic_ack(method.delivery_tag)
            replayed.append(DeadLetter.of(properties))
    return replayed


@contextmanager
def _channel(amqp_url: str) -> Iterator[BlockingChannel]:
    connection = pika.BlockingConnection(connection_parameters(amqp_url))
    try:
        yield connection.channel()
    finally:
        if connection.is_open:
            connection.close()


def _drain(channel: BlockingChannel, queue: str) -> Iterator[tuple[Any, pika.BasicProperties, bytes]]:
    """Each message of `queue` once, unacked (held by this channel until acked or the channel closes)."""
    channel.queue_declare(queue, passive=True)  # a missing queue is an error, not an empty list
    while True:
        method, properties, body = channel.basic_get(queue, auto_ack=False)
        if method is None:
            return
        yield method, properties, body


def _fresh(properties: pika.BasicProperties) -> pika.BasicProperties:
    """The message's own properties without the history of its deaths (a new failure starts a new one)."""
    headers = {k: v for k, v in (properties.headers or {}).items() if k not in _DEATH_HEADERS}
    return pika.BasicProperties(
        content_type=properties.content_type, delivery_mode=pika.DeliveryMode.Persistent, message_id=properties.message_id,
        correlation_id=properties.correlation_id, type=properties.type, headers=headers or None,
    )


def _text(value: Any) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


def _utc(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    return None
