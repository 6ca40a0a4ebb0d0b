"""How a consumer treats a failing message depends on why it failed: an unreachable dependency is
waited out with the message kept (no delivery counted, order kept); an invalid message is
dead-lettered at once; anything else is retried up to the delivery limit."""
from __future__ import annotations

import threading
import uuid

import pika
import pytest
from sqlalchemy.exc import OperationalError

from contracts.queues import QueueSpec, Topology
from infra.amqp import connection_parameters
from infra.consumer import Backoff, Consumer
from infra.failures import PermanentFailure
from infra.topology import delete_topology
from tests.support.bus import publish_confirmed, ready_messages
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

QUICK = Backoff(first=0.05, cap=0.2)


class DatabaseDown(OperationalError):
    def __init__(self) -> None:
        super().__init__("INSERT INTO inbox ...", {}, ConnectionRefusedError(111, "Connection refused"))


@pytest.fixture
def bus(amqp_url: str):  # type: ignore[no-untyped-def]
    namespace = f"fail-{uuid.uuid4().hex[:8]}"
    topology = Topology(exchange=f"{namespace}.events", dead_letter_exchange=f"{namespace}.dead-letters",
                        queues=(QueueSpec(f"{namespace}.projection", ("case.#",)),))
    yield topology
    connection = pika.BlockingConnection(connection_parameters(amqp_url))
    delete_topology(topology, connection.channel())
    connection.close()


class Replica:
    """A consumer thread recording each attempt and what it handled, with the delivery count it arrived with."""

    def __init__(self, amqp_url: str, topology: Topology, fail) -> None:  # type: ignore[no-untyped-def]
        self.attempts: list[str] = []
        self.handled: list[tuple[str, int]] = []
        self.fail = fail
        self.stop = threading.Event()
        self.consumer = Consumer(amqp_url, topology, topology.queues[0], self._handle, backoff=QUICK)
        self.thread = threading.Thread(target=self.consumer.run, args=(self.stop,), daemon=True)
        self.thread.start()
        eventually(self.consumer.ready.is_set, what="the consumer to subscribe")

    def _handle(self, body: bytes, properties: pika.BasicProperties) -> None:
        self.attempts.append(body.decode())
        self.fail(body.decode())
        self.handled.append((body.decode(), int((properties.headers or {}).get("x-delivery-count", 0))))

    def close(self) -> None:
        self.stop.set()
        self.thread.join(20)


@pytest.fixture
def replica(amqp_url, bus):  # type: ignore[no-untyped-def]
    started: list[Replica] = []

    def start(fail=lambda body: None) -> Replica:  # type: ignore[no-untyped-def]
        started.append(Replica(amqp_url, bus, fail))
        return started[-1]

    yield start
    for each in started:
        each.close()


def publish(amqp_url: str, topology: Topology, *bodies: str) -> None:
    for body in bodies:
        publish_confirmed(amqp_url, topology.exchange, "case.step", body.encode(), f"{topology.exchange}-{body}")


def dead_letters(amqp_url: str, topology: Topology) -> int:
    return ready_messages(amqp_url, topology.queues[0].dead_letter_queue)


def test_a_message_failing_while_the_database_is_down_is_retried_in_order_without_counting_a_delivery(amqp_url, bus, replica):
    down = threading.Event()
    down.set()

    def fail(body: str) -> None:
        if down.is_set():
            raise DatabaseDown()

    active = replica(fail)
    publish(amqp_url, bus, "m1", "m2", "m3")
    eventually(lambda: active.attempts.count("m1") >= 8, what="m1 to be retried past the delivery limit of 5")
    assert set(active.attempts) == {"m1"}, "the messages behind it wait"
    down.clear()
    eventually(lambda: len(active.handled) == 3, what="every message to be handled once the database is back")
    assert active.handled == [("m1", 0), ("m2", 0), ("m3", 0)], "in order, never redelivered"
    assert dead_letters(amqp_url, bus) == 0


def test_a_consumer_stopping_while_it_waits_out_an_outage_leaves_the_messages_to_its_stand_by_in_order(amqp_url, bus, replica):
    def always_down(body: str) -> None:
        raise DatabaseDown()

    first, second = replica(always_down), replica()
    publish(amqp_url, bus, "m1", "m2", "m3")
    eventually(lambda: len(first.attempts) >= 3 and ready_messages(amqp_url, bus.queues[0].name) == 0,
               what="the messages to be delivered to the active replica, m1 retried")
    first.close()
    eventually(lambda: len(second.handled) == 3, what="the stand-by to take the messages over")
    assert [body for body, _ in second.handled] == ["m1", "m2", "m3"]
    assert set(first.attempts) == {"m1"} and first.handled == [] and dead_letters(amqp_url, bus) == 0


def test_an_invalid_message_is_dead_lettered_at_its_first_delivery_and_the_next_one_flows(amqp_url, bus, replica):
    def refuse_poison(body: str) -> None:
        if body == "poison":
            raise PermanentFailure("invalid envelope")

    active = replica(refuse_poison)
    publish(amqp_url, bus, "poison", "good")
    eventually(lambda: active.handled, what="the good message")
    eventually(lambda: dead_letters(amqp_url, bus) == 1, what="the dead letter")
    assert active.attempts == ["poison", "good"], "no retry of a message that cannot succeed"


def test_an_unexpected_error_is_retried_up_to_the_delivery_limit_then_dead_lettered(amqp_url, bus, replica):
    def bug(body: str) -> None:
        raise KeyError("a bug")

    active = replica(bug)
    publish(amqp_url, bus, "m1")
    eventually(lambda: dead_letters(amqp_url, bus) == 1, what="the dead letter")
    assert active.attempts == ["m1"] * (bus.queues[0].delivery_limit + 1)
