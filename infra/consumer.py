"""Consumers on quorum queues: manual ack after the handler's own commit.

The connection thread only moves bytes (and heartbeats); handlers run on one worker thread, in
delivery order, and hand their ack back with `add_callback_threadsafe` (pika connections are not
thread-safe). What happens to a message that fails depends on why (infra/failures.py):

- transient (database, broker, Temporal unreachable): the message stays unacked and the handler
  is retried in place with capped exponential backoff and jitter, for as long as the outage lasts.
  It is never nacked, so its delivery count does not grow, and the messages behind it wait: a
  case's events still apply in publishing order. On shutdown or a lost connection it is left
  unacked, with everything queued behind it, and the broker redelivers them in order.
- permanent (invalid message, unknown type, business refusal): rejected at once into `<queue>.dead`.
- unknown: nacked for redelivery until the queue's delivery limit, then dead-lettered.

Every failure is logged with the message id. A held delivery is subject to RabbitMQ's
`consumer_timeout` (30 min by default): past it the broker closes the channel, the consumer
reconnects and the message comes back with its delivery count one higher, so only an outage of
about delivery-limit × consumer_timeout dead-letters it (then `duixian dlq replay`).
"""
from __future__ import annotations

import functools
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pika
import structlog
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import AMQPError, ChannelWrongStateError

from contracts.queues import QueueSpec, Topology
from infra.amqp import connection_parameters
from infra.failures import Failure, classify
from infra.metrics import MESSAGES_CONSUMED
from infra.topology import declare_topology

log = structlog.get_logger(__name__)

MessageHandler = Callable[[bytes, pika.BasicProperties], None]


@dataclass(frozen=True)
class Backoff:
    """Waits between retries of a transient failure: doubling from `first` up to `cap`, with jitter."""

    first: float = 0.5
    cap: float = 30.0

    def delay(self, attempt: int) -> float:
        ceiling = min(self.cap, self.first * 2 ** min(attempt - 1, 30))
        return ceiling / 2 + random.uniform(0, ceiling / 2)


@dataclass
class _Session:
    """One connection's deliveries. Once one is left to the broker, the rest are left too (order)."""

    connection: pika.BlockingConnection
    channel: BlockingChannel
    stop: threading.Event
    left: threading.Event = field(default_factory=threading.Event)

    def wait(self, seconds: float) -> bool:
        """Sleep `seconds`; False as soon as the consumer stops or the connection is gone."""
        deadline = time.monotonic() + seconds
        while not (self.stop.is_set() or self.left.is_set()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            self.left.wait(min(remaining, 0.5))
        return False


class Consumer:
    def __init__(self, amqp_url: str, topology: Topology, queue: QueueSpec, handler: MessageHandler, *,
                 prefetch: int = 16, heartbeat: int = 30, backoff: Backoff = Backoff()):
        self.amqp_url = amqp_url
        self.topology = topology
        self.queue = queue
        self.handler = handler
        self.prefetch = prefetch
        self.heartbeat = heartbeat
        self.backoff = backoff
        self.ready = threading.Event()

    def run(self, stop: threading.Event) -> None:
        backoff = 0.5
        while not stop.is_set():
            try:
                self._consume_until(stop)
                backoff = 0.5
            except (AMQPError, OSError) as error:
                self.ready.clear()
                log.warning("consumer_connection_lost", queue=self.queue.name, error=repr(error))
                stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)

    def _consume_until(self, stop: threading.Event) -> None:
        connection = pika.BlockingConnection(connection_parameters(self.amqp_url, heartbeat=self.heartbeat))
        worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"consumer-{self.queue.name}")
        session: _Session | None = None
        try:
            channel = connection.channel()
            declare_topology(self.topology, channel)
            channel.basic_qos(prefetch_count=self.prefetch)
            session = _Session(connection, channel, stop)

            def on_message(ch: BlockingChannel, method: pika.spec.Basic.Deliver, properties: pika.BasicProperties,
                           body: bytes) -> None:
                worker.submit(self._handle, session, method.delivery_tag, properties, body)

            channel.basic_consume(self.queue.name, on_message)
            self.ready.set()
            while not stop.is_set():
                connection.process_data_events(time_limit=0.2)
                if not channel.is_open:  # closed by the broker, e.g. a delivery held past consumer_timeout
                    raise ChannelWrongStateError(f"channel of {self.queue.name} closed by the broker")
        except BaseException:
            if session is not None:
                session.left.set()  # nothing can be acked on this connection any more
            raise
        finally:
            self.ready.clear()
            worker.shutdown(wait=True, cancel_futures=False)
            if connection.is_open:
                connection.process_data_events(time_limit=0)
                connection.close()

    def _handle(self, session: _Session, delivery_tag: int, properties: pika.BasicProperties, body: bytes) -> None:
        if session.left.is_set():
            return  # an earlier message was left to the broker: this one is redelivered after it
        message_id = properties.message_id or "(no message id)"
        attempt = 0
        while True:
            try:
                self.handler(body, properties)
                break
            except Exception as error:
                failure = classify(error)
                if failure is not Failure.TRANSIENT:
                    settle = self._failed(failure, error, properties, message_id)
                    self._settle(session, functools.partial(settle, session.channel, delivery_tag), message_id)
                    return
                attempt += 1
                if not self._wait_to_retry(session, attempt, error, properties, message_id):
                    return
        MESSAGES_CONSUMED.labels(self.queue.name, "handled").inc()
        if attempt:
            log.info("message_handled_after_retries", queue=self.queue.name, message_id=message_id, attempts=attempt)
        self._settle(session, functools.partial(_ack, session.channel, delivery_tag), message_id)

    def _wait_to_retry(self, session: _Session, attempt: int, error: Exception, properties: pika.BasicProperties,
                       message_id: str) -> bool:
        """Backs off before retrying a transient failure; False (message left unacked) on stop or a lost connection."""
        delay = self.backoff.delay(attempt)
        MESSAGES_CONSUMED.labels(self.queue.name, "retried").inc()
        log.warning("message_retrying", queue=self.queue.name, message_id=message_id, event_type=properties.type,
                    attempt=attempt, retry_in_seconds=round(delay, 2), error=repr(error)[:500])
        if session.wait(delay):
            return True
        session.left.set()
        log.info("message_left_for_redelivery", queue=self.queue.name, message_id=message_id, attempts=attempt)
        return False

    def _failed(self, failure: Failure, error: Exception, properties: pika.BasicProperties,
                message_id: str) -> Callable[[BlockingChannel, int], None]:
        """Logs the failure; returns how to settle the message: dead-letter it now, or nack it for redelivery."""
        delivery = _delivery_count(properties)
        # The broker dead-letters a requeued message once its count passes the limit.
        final = failure is Failure.PERMANENT or delivery >= self.queue.delivery_limit
        MESSAGES_CONSUMED.labels(self.queue.name, "failed").inc()
        log.error(
            "message_dead_lettered" if final else "message_failed",
            queue=self.queue.name,
            message_id=message_id,
            event_type=properties.type,
            failure=failure.value,
            delivery_count=delivery,
            delivery_limit=self.queue.delivery_limit,
            dead_letter_queue=self.queue.dead_letter_queue if final else None,
            error=repr(error)[:500],
        )
        return _dead_letter if failure is Failure.PERMANENT else _nack

    def _settle(self, session: _Session, settle: Callable[[], None], message_id: str) -> None:
        try:
            session.connection.add_callback_threadsafe(settle)
        except Exception:  # connection gone: the broker redelivers, the inbox drops the duplicate
            log.warning("ack_lost_connection", queue=self.queue.name, message_id=message_id)


def _delivery_count(properties: pika.BasicProperties) -> int:
    headers = properties.headers or {}
    return int(headers.get("x-delivery-count", 0))


def _ack(channel: BlockingChannel, delivery_tag: int) -> None:
    if channel.is_open:
        channel.basic_ack(delivery_tag)


def _nack(channel: BlockingChannel, delivery_tag: int) -> None:
    if channel.is_open:
        channel.basic_nack(delivery_tag, requeue=True)


def _dead_letter(channel: BlockingChannel, delivery_tag: int) -> None:
    if channel.is_open:
        channel.basic_reject(delivery_tag, requeue=False)
