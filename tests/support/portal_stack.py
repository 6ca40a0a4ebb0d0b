"""The portal in-process with the services it calls (real HTTP, real broker and databases), for page tests
that need no browser: the services trust the portal's JWKS as under `make up`, the tests sign their own
service calls with a key the portal publishes, and a signed-in browser is a session made in the portal's store."""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from infra import migrations
from infra.auth import service_token
from infra.settings import Settings
from infra.signing import keys_dir, load_or_create, sign_service_token
from services.portal.adapters.services import ServiceClients
from services.portal.adapters.sessions import Session
from services.portal.entrypoints.app import build_runtime, create_app
from services.portal.entrypoints.security import CSRF_KEY
from services.portal.service_layer.signin import USER
from tests.support.databases import DatabaseFactory
from tests.support.servers import ServiceServer
from tests.support.stack import Stack

TEST_KEY = "tests"
CSRF_TOKEN = "csrf-for-tests"


@dataclass
class PortalStack:
    portal: ServiceServer
    stack: Stack
    settings: Settings

    @property
    def state(self):  # type: ignore[no-untyped-def]
        return self.portal.server.config.app.state.portal

    def client(self, service: str, role: str, organisation: str, **claims) -> httpx.Client:  # type: ignore[no-untyped-def]
        """A service client with an RS256 token the services accept (the tests' key, published by the portal)."""
        token = sign_service_token(self.settings, load_or_create(keys_dir(self.settings), TEST_KEY),
                                   subject=claims.pop("subject", f"{role}@{organisation}"), role=role,
                                   organisation=organisation, **claims)
        return httpx.Client(base_url=self.stack.servers[service].url, headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def browser(self, subject: str | None = None) -> httpx.Client:
        """The portal as a browser signed in as `subject` (a directory entry) sees it; None: a visitor."""
        data = {CSRF_KEY: CSRF_TOKEN}
        if subject:
            data[USER] = subject
        session_id = self.state.store.save(Session(None, data), changed=True)
        return httpx.Client(base_url=self.portal.url, cookies={"duixian_session": session_id}, timeout=30)


@contextmanager
def portal_with_services(settings: Settings, databases: DatabaseFactory,
                         services: tuple[str, ...] = ("intake", "review", "payout")) -> Iterator[PortalStack]:
    runtime = build_runtime(settings, databases.open("portal"))
    migrations.upgrade(runtime)
    portal = ServiceServer(create_app(runtime)).start()
    trusting = settings.model_copy(update={"jwks_url": portal.url + "/.well-known/jwks.json"})
    service_token(trusting)  # the worker's key, and the tests', exist before the services first read the JWKS
    load_or_create(keys_dir(trusting), TEST_KEY)
    try:
        with Stack(trusting, databases, services=services) as stack:
            state = portal.server.config.app.state.portal
            state.clients.close()
            state.clients = ServiceClients(stack.settings, state.key)  # the services' real addresses
            state.calendar.clients = state.clients
            yield PortalStack(portal, stack, trusting)
    finally:
        portal.stop()


def hidden(page: str, name: str) -> str:
    """A hidden field's value in a page (the form's submission id)."""
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden field {name}"
    return match.group(1)


def enterprises_directory(path, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    """A directory file with `count` enterprises of Changzhi (each signs in with its USCC) beside the demo users."""
    import yaml

    from services.portal.entrypoints.app import DEMO_DIRECTORY
    from tests.support.tokens import make_uscc

    document = yaml.safe_load(DEMO_DIRECTORY.read_text(encoding="utf-8"))
    subjects = [make_uscc() for _ in range(count)]
    document["users"] += [{"subject": s, "name": f"长治测试企业{i + 1}号有限公司", "role": "enterprise", "organisation": s,
                           "region": "140400"} for i, s in enumerate(subjects)]
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return subjects
