"""Replicas of a consumer share its queue: one consumes, in publishing order; a stand-by takes over."""
from __future__ import annotations

import threading
import uuid

import pika
import pytest

from contracts.queues import QueueSpec, Topology
from infra.amqp import connection_parameters
from infra.consumer import Consumer
from infra.topology import declare_topology, delete_topology
from tests.support.bus import publish_confirmed
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration


def test_of_two_replicas_one_consumes_in_order_and_the_other_takes_over_when_it_stops(amqp_url):
    namespace = f"sac-{uuid.uuid4().hex[:8]}"
    topology = Topology(exchange=f"{namespace}.events", dead_letter_exchange=f"{namespace}.dead-letters",
                        queues=(QueueSpec(f"{namespace}.projection", ("case.#",)),))
    received: dict[str, list[int]] = {"first": [], "second": []}
    stops = {name: threading.Event() for name in received}
    threads = {}
    for name in received:  # the first to subscribe becomes the active consumer
        consumer = Consumer(amqp_url, topology, topology.queues[0],
                            lambda body, properties, name=name: received[name].append(int(body)))
        threads[name] = threading.Thread(target=consumer.run, args=(stops[name],), daemon=True)
        threads[name].start()
        eventually(consumer.ready.is_set, what=f"the {name} replica to subscribe")

    def publish(numbers: range) -> None:
        for number in numbers:
            publish_confirmed(amqp_url, topology.exchange, "case.step", str(number).encode(), f"{namespace}-{number}")

    try:
        publish(range(20))
        eventually(lambda: len(received["first"]) == 20, what="the active replica to take every message")
        assert received == {"first": list(range(20)), "second": []}, "one replica, in publishing order"
        stops["first"].set()
        threads["first"].join(10)
        publish(range(20, 30))
        eventually(lambda: len(received["second"]) == 10, what="the stand-by to take over")
        assert received["second"] == list(range(20, 30)) and len(received["first"]) == 20
    finally:
        for stop in stops.values():
            stop.set()
        for thread in threads.values():
            thread.join(10)
        connection = pika.BlockingConnection(connection_parameters(amqp_url))
        delete_topology(topology, connection.channel())
        connection.close()


def test_a_queue_left_with_older_arguments_is_refused_with_its_name_and_the_remedy(amqp_url):
    from infra.topology import TopologyMismatch

    namespace = f"old-{uuid.uuid4().hex[:8]}"
    topology = Topology(exchange=f"{namespace}.events", dead_letter_exchange=f"{namespace}.dead-letters",
                        queues=(QueueSpec(f"{namespace}.projection", ("case.#",)),))
    older = {k: v for k, v in topology.queue_arguments(topology.queues[0]).items() if k != "x-single-active-consumer"}
    connection = pika.BlockingConnection(connection_parameters(amqp_url))
    try:
        connection.channel().queue_declare(f"{namespace}.projection", durable=True, arguments=older)
        with pytest.raises(TopologyMismatch) as refused:
            declare_topology(topology, connection.channel())
        assert f"{namespace}.projection" in str(refused.value) and "rabbitmqctl delete_queue" in str(refused.value)
        assert "x-single-active-consumer" in str(refused.value), "the broker's reason names the argument"
    finally:
        delete_topology(topology, connection.channel())
        connection.close()
