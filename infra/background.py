"""Background threads of a service process: the outbox relay, the audit checkpoint ticker and the message consumers."""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import structlog

from contracts.queues import QueueSpec
from infra.amqp import Publisher
from infra.audit_checkpoints import CheckpointTicker
from infra.consumer import Consumer, MessageHandler
from infra.relay import OutboxRelay
from infra.runtime import ServiceRuntime

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ConsumerBinding:
    queue: QueueSpec
    handler: MessageHandler


@dataclass
class BackgroundWorkers:
    runtime: ServiceRuntime
    consumers: list[ConsumerBinding] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    running_consumers: list[Consumer] = field(default_factory=list)

    def start(self) -> None:
        settings = self.runtime.settings
        if settings.relay_enabled:
            publisher = Publisher(settings.amqp_url, self.runtime.topology, heartbeat=settings.amqp_heartbeat)
            relay = OutboxRelay(self.runtime.name, self.runtime.db, self.runtime.tables, publisher)
            self._spawn(f"{self.runtime.name}-relay", relay.run, self.stop, settings.relay_poll_seconds)
            self._spawn(f"{self.runtime.name}-audit-checkpoints", CheckpointTicker(self.runtime).run, self.stop)
        if settings.consumers_enabled:
            for binding in self.consumers:
                consumer = Consumer(settings.amqp_url, self.runtime.topology, binding.queue, binding.handler,
                                    heartbeat=settings.amqp_heartbeat)
                self.running_consumers.append(consumer)
                self._spawn(f"consumer-{binding.queue.name}", consumer.run, self.stop)

    def _spawn(self, name: str, target: Callable[..., object], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def shutdown(self, timeout: float = 10.0) -> None:
        self.stop.set()
        self.runtime.db.outbox_ready.set()
        for thread in self.threads:
            thread.join(timeout)
        self.threads.clear()
