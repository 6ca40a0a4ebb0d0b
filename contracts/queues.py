"""RabbitMQ topology as data: the exchange, the dead-letter exchange and each consumer's queue (pika-free).

One durable topic exchange carries every domain event (routing key = event type). Each consumer
owns one quorum queue with a delivery limit; a message that fails that many times is
dead-lettered (at-least-once) through the dead-letter exchange into `<queue>.dead`.

Every queue has a single active consumer: with several replicas of a service (or of the bridge)
one consumes and the others stand by, so a case's events are applied in the order they were
published (a workflow is started before it is signalled, a status never steps back) and a
stand-by takes over when the active one goes away. infra.topology declares it on a broker;
contracts.topology says who listens to what.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class QueueSpec:
    name: str
    bindings: tuple[str, ...]
    delivery_limit: int = 5
    summary: str = ""
    key: str = ""  # the logical name, the same in every namespace

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.name)

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.name}.dead"


@dataclass(frozen=True)
class Topology:
    exchange: str
    dead_letter_exchange: str
    queues: tuple[QueueSpec, ...] = field(default=())

    def queue(self, key: str) -> QueueSpec:
        """A queue by its logical name (e.g. "workflows.bridge"), whatever the namespace."""
        for spec in self.queues:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def namespaced(self, namespace: str) -> Topology:
        """The same topology with every exchange and queue name prefixed (tests, side-by-side stacks)."""
        if not namespace:
            return self
        return Topology(
            exchange=f"{namespace}.{self.exchange}",
            dead_letter_exchange=f"{namespace}.{self.dead_letter_exchange}",
            queues=tuple(
                QueueSpec(f"{namespace}.{q.name}", q.bindings, q.delivery_limit, q.summary, q.key) for q in self.queues
            ),
        )

    def queue_arguments(self, spec: QueueSpec) -> dict[str, Any]:
        return {
            "x-queue-type": "quorum",
            "x-delivery-limit": spec.delivery_limit,
            "x-dead-letter-exchange": self.dead_letter_exchange,
            "x-dead-letter-routing-key": spec.name,
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
            "x-single-active-consumer": True,
        }

    def definitions(self, vhost: str = "/") -> dict[str, Any]:
        """The topology in RabbitMQ's definitions format (importable with rabbitmqadmin or the management UI)."""
        exchanges = [
            _exchange(self.exchange, "topic", vhost),
            _exchange(self.dead_letter_exchange, "direct", vhost),
        ]
        queues, bindings = [], []
        for spec in self.queues:
            queues.append(_queue(spec.name, vhost, self.queue_arguments(spec)))
            queues.append(_queue(spec.dead_letter_queue, vhost, {"x-queue-type": "quorum"}))
            bindings += [_binding(self.exchange, spec.name, key, vhost) for key in spec.bindings]
            bindings.append(_binding(self.dead_letter_exchange, spec.dead_letter_queue, spec.name, vhost))
        return {
            "vhosts": [{"name": vhost}],
            "exchanges": exchanges,
            "queues": queues,
            "bindings": bindings,
        }


def _exchange(name: str, kind: str, vhost: str) -> dict[str, Any]:
    return {"name": name, "vhost": vhost, "type": kind, "durable": True, "auto_delete": False, "internal": False, "arguments": {}}


def _queue(name: str, vhost: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "vhost": vhost, "durable": True, "auto_delete": False, "arguments": arguments}


def _binding(source: str, queue: str, key: str, vhost: str) -> dict[str, Any]:
    return {
        "source": source,
        "vhost": vhost,
        "destination": queue,
        "destination_type": "queue",
        "routing_key": key,
        "arguments": {},
    }
