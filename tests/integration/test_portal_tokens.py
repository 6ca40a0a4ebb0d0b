"""The services trust the portal's keys: with JWKS_URL set they accept its RS256 tokens (and the
worker's, signed with the worker's own key it publishes too) and refuse HS256 tokens signed with the
shared development secret. The portal keeps its sessions in its own database, SQLite or PostgreSQL."""
from __future__ import annotations

import datetime as dt

import httpx
import pytest

from infra import migrations
from infra.auth import issue_token, service_token
from infra.signing import keys_dir
from services.portal.adapters.sessions import Session, SessionStore
from services.portal.domain.directory import Directory
from services.portal.entrypoints.app import DEMO_DIRECTORY, build_runtime, create_app
from tests.support.servers import ServiceServer
from tests.support.stack import Stack

pytestmark = pytest.mark.integration


@pytest.fixture
def portal_and_review(settings, databases):  # type: ignore[no-untyped-def]
    runtime = build_runtime(settings, databases.open("portal"))
    migrations.upgrade(runtime)
    portal = ServiceServer(create_app(runtime)).start()
    trusting = settings.model_copy(update={"jwks_url": portal.url + "/.well-known/jwks.json"})
    service_token(trusting)  # the worker's key exists before the services first read the JWKS (as under make up)
    with Stack(trusting, databases, services=("review",)) as stack:
        yield portal, stack, trusting
    portal.stop()


def test_with_jwks_url_the_services_accept_the_portals_rs256_tokens_and_refuse_hs256(portal_and_review):
    portal, stack, settings = portal_and_review
    clients = portal.server.config.app.state.portal.clients
    official = Directory.from_file(DEMO_DIRECTORY).find("center-officer-1")
    review = stack.servers["review"].url

    accepted = httpx.get(review + "/tasks", headers={"Authorization": f"Bearer {clients.token_for(official)}"}, timeout=30)
    assert accepted.status_code == 200, accepted.text

    hs256 = issue_token(settings, subject=official.subject, role=official.role, organisation=official.organisation,
                        region=official.region)
    refused = httpx.get(review + "/tasks", headers={"Authorization": f"Bearer {hs256}"}, timeout=30)
    assert refused.status_code == 401 and refused.json()["code"] == "unauthorized"


def test_the_workers_token_is_signed_with_its_own_published_key_when_jwks_url_is_set(portal_and_review):
    portal, stack, settings = portal_and_review
    assert (keys_dir(settings) / "worker.pub.pem").exists()
    kids = {key["kid"] for key in httpx.get(portal.url + "/.well-known/jwks.json", timeout=30).json()["keys"]}
    assert len(kids) == 2, "the portal's and the worker's key"
    answer = httpx.get(stack.servers["review"].url + "/internal/selection/publicities/NO-SUCH-ROUND",
                       headers={"Authorization": f"Bearer {service_token(settings)}"}, timeout=30)
    assert answer.status_code == 404, answer.text  # authenticated as the workflow; the round does not exist


def test_a_session_expires_after_its_idle_time_and_at_its_absolute_age(settings, databases):
    runtime = build_runtime(settings, databases.open("portal"))
    migrations.upgrade(runtime)
    store = SessionStore(runtime.db, idle=dt.timedelta(minutes=30), absolute=dt.timedelta(hours=8))
    session = Session(None, {"user": "zhang"})
    first = store.save(session, changed=True)
    assert store.load(first).data == {"user": "zhang"}
    session.rotate()
    second = store.save(session, changed=False)
    assert second != first and store.load(first) is None and store.load(second) is not None

    idle = SessionStore(runtime.db, idle=dt.timedelta(0), absolute=dt.timedelta(hours=8))
    assert idle.load(second) is None, "past its idle time: gone"
    third = store.save(Session(None, {"user": "li"}), changed=True)
    aged = SessionStore(runtime.db, idle=dt.timedelta(minutes=30), absolute=dt.timedelta(0))
    assert aged.load(third) is None, "past its absolute age: gone, however active"
