"""RabbitMQ topology on a broker: declare it at start (publishers and consumers), delete it (tests).

The topology itself is data (contracts.queues; who listens to what: contracts.topology) and is exported
as deploy/rabbitmq/definitions.json.
"""
from __future__ import annotations

from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import AMQPError, ChannelClosedByBroker

from contracts.queues import Topology


class TopologyMismatch(AMQPError):
    """A queue already exists with other arguments (declared by an older duixian): the broker refuses it."""


def declare_topology(topology: Topology, channel: BlockingChannel) -> None:
    channel.exchange_declare(topology.exchange, exchange_type="topic", durable=True)
    channel.exchange_declare(topology.dead_letter_exchange, exchange_type="direct", durable=True)
    for spec in topology.queues:
        try:
            channel.queue_declare(spec.name, durable=True, arguments=topology.queue_arguments(spec))
        except ChannelClosedByBroker as error:
            if error.reply_code != 406:
                raise
            raise TopologyMismatch(
                f"queue {spec.name} exists with other arguments ({error.reply_text}); once it is drained, "
                f"delete it (rabbitmqctl delete_queue {spec.name}) and duixian declares it anew"
            ) from error
        for key in spec.bindings:
            channel.queue_bind(spec.name, topology.exchange, routing_key=key)
        channel.queue_declare(spec.dead_letter_queue, durable=True, arguments={"x-queue-type": "quorum"})
        channel.queue_bind(spec.dead_letter_queue, topology.dead_letter_exchange, routing_key=spec.name)


def delete_topology(topology: Topology, channel: BlockingChannel) -> None:
    for spec in topology.queues:
        channel.queue_delete(spec.name)
        channel.queue_delete(spec.dead_letter_queue)
    channel.exchange_delete(topology.exchange)
    channel.exchange_delete(topology.dead_letter_exchange)
