"""The three services in-process, each on its own database, serving real HTTP, with their outbox
relays and consumers on the real broker. Workflow tests add the worker and bridge (temporal.py)."""
from __future__ import annotations

from collections.abc import Iterable

import httpx

from duixian.services import SERVICES, entrypoint
from infra import migrations
from infra.runtime import ServiceRuntime
from infra.settings import Settings
from tests.support.databases import DatabaseFactory
from tests.support.servers import ServiceServer
from tests.support.tokens import bearer


class Stack:
    def __init__(self, settings: Settings, databases: DatabaseFactory, services: Iterable[str] = SERVICES):
        self.base_settings = settings
        self.databases = databases
        self.services = tuple(services)
        self.runtimes: dict[str, ServiceRuntime] = {}
        self.servers: dict[str, ServiceServer] = {}

    def start(self) -> Stack:
        for service in self.services:
            module = entrypoint(service)
            runtime = module.build_runtime(self.base_settings, self.databases.open(service))
            migrations.upgrade(runtime)
            self.runtimes[service] = runtime
            self.servers[service] = ServiceServer(module.create_app(runtime)).start()
        return self

    @property
    def settings(self) -> Settings:
        """Settings for the worker: the services' real URLs."""
        urls = {f"{name}_url": server.url for name, server in self.servers.items()}
        return self.base_settings.model_copy(update=urls)

    def client(self, service: str, role: str | None = None, organisation: str | None = None, **claims) -> httpx.Client:  # type: ignore[no-untyped-def]
        headers = bearer(self.base_settings, role, organisation, **claims) if role else {}
        return httpx.Client(base_url=self.servers[service].url, headers=headers, timeout=30)

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()
        self.servers.clear()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
