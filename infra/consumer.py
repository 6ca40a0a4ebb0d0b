"""Consumers on quorum queues: manual ack after the handler's own commit, nack to retry.

The connection thread only moves bytes; handlers run on a worker thread and hand their ack
back with `add_callback_threadsafe` (pika connections are not thread-safe). A message that keeps
failing is redelivered until the queue's delivery limit, then dead-lettered to `<queue>.dead`;
each failure is logged with the message id and delivery count, and later messages keep flowing.
"""
from __future__ import annotations

import functools
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import pika
import structlog
from pika.exceptions import AMQPError

from infra.amqp import connection_parameters
from infra.metrics import MESSAGES_CONSUMED
from infra.topology import QueueSpec, Topology

log = structlog.get_logger(__name__)

MessageHandler = Callable[[bytes, pika.BasicProperties], None]


class Consumer:
    def __init__(self, amqp_url: str, topology: Topology, queue: QueueSpec, handler: MessageHandler, *, prefetch: int = 16):
        self.amqp_url = amqp_url
        self.topology = topology
        self.queue = queue
        self.handler = handler
        self.prefetch = prefetch
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
        connection = pika.BlockingConnection(connection_parameters(self.amqp_url))
        worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"consumer-{self.queue.name}")
        try:
            channel = connection.channel()
            self.topology.declare(channel)
            channel.basic_qos(prefetch_count=self.prefetch)

            def on_message(ch, method, properties, body):  # type: ignore[no-untyped-def]
                worker.submit(self._handle, connection, ch, method.delivery_tag, properties, body)

            channel.basic_consume(self.queue.name, on_message)
            self.ready.set()
            while not stop.is_set():
                connection.process_data_events(time_limit=0.2)
        finally:
            self.ready.clear()
            worker.shutdown(wait=True, cancel_futures=False)
            if connection.is_open:
                connection.process_data_events(time_limit=0)
                connection.close()

    def _handle(self, connection, channel, delivery_tag, properties, body) -> None:  # type: ignore[no-untyped-def]
        message_id = properties.message_id or "(no message id)"
        delivery = _delivery_count(properties)
        try:
            self.handler(body, properties)
        except Exception as error:
            final = delivery >= self.queue.delivery_limit  # the broker dead-letters once the count passes the limit
            MESSAGES_CONSUMED.labels(self.queue.name, "failed").inc()
            log.error(
                "message_dead_lettered" if final else "message_failed",
                queue=self.queue.name,
                message_id=message_id,
                event_type=properties.type,
                delivery_count=delivery,
                delivery_limit=self.queue.delivery_limit,
                dead_letter_queue=self.queue.dead_letter_queue if final else None,
                error=repr(error)[:500],
            )
            settle = functools.partial(_nack, channel, delivery_tag)
        else:
            MESSAGES_CONSUMED.labels(self.queue.name, "handled").inc()
            settle = functools.partial(_ack, channel, delivery_tag)
        try:
            connection.add_callback_threadsafe(settle)
        except Exception:  # connection gone: the broker redelivers, the inbox drops the duplicate
            log.warning("ack_lost_connection", queue=self.queue.name, message_id=message_id)


def _delivery_count(properties: pika.BasicProperties) -> int:
    headers = properties.headers or {}
    return int(headers.get("x-delivery-count", 0))


def _ack(channel, delivery_tag) -> None:  # type: ignore[no-untyped-def]
    if channel.is_open:
        channel.basic_ack(delivery_tag)


def _nack(channel, delivery_tag) -> None:  # type: ignore[no-untyped-def]
    if channel.is_open:
        channel.basic_nack(delivery_tag, requeue=True)
