"""The `cockpit` process: consumes `portal.cockpit` and keeps the cockpit's projection in the portal's database.
A process of its own (like the bridge), so the portal's web replicas serve pages only and a slow projection never
holds a page; the queue has a single active consumer, so a second replica waits as a standby."""
from __future__ import annotations

import signal
import threading

import structlog

from contracts.topology import PORTAL_COCKPIT
from infra.consumer import Consumer
from infra.logging import configure_logging
from infra.runtime import ServiceRuntime
from infra.settings import Settings
from services.portal.entrypoints.app import build_runtime
from services.portal.service_layer.cockpit_projection import CockpitProjection

log = structlog.get_logger(__name__)


def consumer(settings: Settings) -> tuple[Consumer, ServiceRuntime]:
    """The consumer and the runtime (database) it writes to."""
    runtime = build_runtime(settings)
    queue = runtime.topology.queue(PORTAL_COCKPIT.key)
    return Consumer(settings.amqp_url, runtime.topology, queue, CockpitProjection(runtime.db),
                    heartbeat=settings.amqp_heartbeat), runtime


def run(settings: Settings) -> None:
    configure_logging("cockpit", settings.log_level, settings.log_json)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    projection, runtime = consumer(settings)
    thread = threading.Thread(target=projection.run, args=(stop,), name="cockpit-consumer", daemon=True)
    thread.start()
    log.info("cockpit_started", queue=projection.queue.name)
    while not stop.wait(0.5):
        pass
    thread.join(10)
    runtime.db.dispose()
    log.info("cockpit_stopped")
