"""The bridge process: consumes its queue and drives Temporal."""
from __future__ import annotations

import asyncio
import signal
import threading

import structlog

from contracts.topology import WORKFLOW_BRIDGE, topology
from infra.consumer import Consumer
from infra.logging import configure_logging
from infra.settings import Settings
from workflows.bridge.service import Bridge
from workflows.temporal import connect_with_retry

log = structlog.get_logger(__name__)


async def run(settings: Settings) -> None:
    configure_logging("bridge", settings.log_level, settings.log_json)
    client = await connect_with_retry(settings)
    loop = asyncio.get_running_loop()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    bus = topology(settings.amqp_namespace)
    bridge = Bridge(client, loop, task_queue=settings.temporal_task_queue)
    consumer = Consumer(settings.amqp_url, bus, bus.queue(WORKFLOW_BRIDGE.key), bridge, heartbeat=settings.amqp_heartbeat)
    thread = threading.Thread(target=consumer.run, args=(stop,), name="bridge-consumer", daemon=True)
    thread.start()
    log.info("bridge_started", queue=bus.queue(WORKFLOW_BRIDGE.key).name)
    while not stop.is_set():
        await asyncio.sleep(0.2)
    await asyncio.to_thread(thread.join, 10)
    log.info("bridge_stopped")
