"""pika connections and a confirming publisher. One connection per thread (pika is not thread-safe)."""
from __future__ import annotations

import pika
import structlog
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import AMQPError

from contracts.queues import Topology
from infra.topology import declare_topology

log = structlog.get_logger(__name__)


def connection_parameters(amqp_url: str, *, heartbeat: int = 30, timeout: float = 5.0) -> pika.URLParameters:
    params = pika.URLParameters(amqp_url)
    params.heartbeat = heartbeat
    params.blocked_connection_timeout = 30
    params.socket_timeout = timeout
    params.stack_timeout = timeout
    params.connection_attempts = 1
    params.client_properties = {"connection_name": "duixian"}
    return params


def broker_reachable(amqp_url: str, timeout: float = 2.0) -> bool:
    try:
        connection = pika.BlockingConnection(connection_parameters(amqp_url, timeout=timeout))
    except (AMQPError, OSError):
        return False
    connection.close()
    return True


class Publisher:
    """Publishes persistent messages with publisher confirms; reconnects lazily after a failure.

    A BlockingConnection answers the broker's heartbeats only while it is being used: the owner
    calls `keepalive()` between publishes, or an idle connection is dropped by the broker and the
    next publish fails on it."""

    def __init__(self, amqp_url: str, topology: Topology, *, heartbeat: int = 30):
        self._amqp_url = amqp_url
        self._topology = topology
        self._heartbeat = heartbeat
        self._connection: pika.BlockingConnection | None = None
        self._channel: BlockingChannel | None = None

    def _open_channel(self) -> BlockingChannel:
        if self._channel is None or not self._channel.is_open:
            self.close()
            self._connection = pika.BlockingConnection(connection_parameters(self._amqp_url, heartbeat=self._heartbeat))
            channel = self._connection.channel()
            declare_topology(self._topology, channel)
            channel.confirm_delivery()
            self._channel = channel
        return self._channel

    def publish(self, *, routing_key: str, body: bytes, message_id: str, correlation_id: str, event_type: str) -> None:
        """Returns once the broker confirmed the message; raises on nack or connection failure."""
        channel = self._open_channel()
        try:
            channel.basic_publish(
                exchange=self._topology.exchange,
                routing_key=routing_key,
                body=body,
                properties=pika.BasicProperties(
                    content_type="application/json",
                    delivery_mode=pika.DeliveryMode.Persistent,
                    message_id=message_id,
                    correlation_id=correlation_id,
                    type=event_type,
                ),
            )
        except Exception:
            self.close()
            raise

    def keepalive(self) -> None:
        """Service heartbeats on an open connection; a dead one is closed, the next publish reconnects."""
        if self._connection is None or not self._connection.is_open:
            return
        try:
            self._connection.process_data_events(time_limit=0)
        except Exception as error:
            log.info("publisher_connection_lost", error=repr(error))
            self.close()

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except Exception:  # closing a broken connection
                pass
