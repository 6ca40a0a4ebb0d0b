"""Every route × every role × own/other scope answers as the expected matrix says."""
from __future__ import annotations

import uuid

import pika
import pytest

from contracts.topology import topology
from duixian.services import SERVICES
from infra.amqp import connection_parameters
from infra.auth import ROLES
from infra.settings import Settings
from infra.topology import delete_topology
from tests.security.matrix.expectations import MATRIX, PUBLIC_PATHS
from tests.security.matrix.identities import identity
from tests.support.databases import DatabaseFactory
from tests.support.stack import Stack

pytestmark = pytest.mark.integration

CASES = [(key, role) for key in MATRIX for role in ROLES]


@pytest.fixture(scope="module")
def stack(tmp_path_factory, amqp_url):  # type: ignore[no-untyped-def]
    namespace = f"test-matrix-{uuid.uuid4().hex[:8]}"
    directory = tmp_path_factory.mktemp("matrix")
    settings = Settings(environment="test", data_dir=directory, amqp_url=amqp_url, amqp_namespace=namespace,
                        consumers_enabled=False, relay_enabled=False)
    databases = DatabaseFactory("sqlite", directory, None)
    with Stack(settings, databases) as running:
        yield running
    databases.close()
    connection = pika.BlockingConnection(connection_parameters(amqp_url))
    delete_topology(topology(namespace), connection.channel())
    connection.close()


def test_every_route_of_every_service_is_in_the_matrix(stack):  # type: ignore[no-untyped-def]
    served = set()
    for service in SERVICES:
        app = stack.servers[service].server.config.app
        for path, operations in app.openapi()["paths"].items():
            if path not in PUBLIC_PATHS:
                served |= {(service, method.upper(), path) for method in operations}
    assert served - set(MATRIX) == set(), "routes without an expected authorization entry"
    assert set(MATRIX) - served == set(), "matrix entries for routes that no longer exist"


@pytest.mark.parametrize(("key", "role"), CASES, ids=[f"{k[0]} {k[1]} {k[2]} as {r}" for k, r in CASES])
def test_route_answers_each_role_for_its_own_and_another_scope(stack, key, role):  # type: ignore[no-untyped-def]
    service, _, _ = key
    route = MATRIX[key]
    me = identity(role, "A")
    own, other = route.scenario(stack, me)
    claims = me.claims()
    with stack.client(service, role, claims.pop("organisation"), **claims) as client:
        got = tuple(client.request(c.method, c.path, json=c.json, params=c.params).status_code for c in (own, other))
    assert got == route.status(role), f"{role}: expected own/other {route.status(role)}, got {got}"
