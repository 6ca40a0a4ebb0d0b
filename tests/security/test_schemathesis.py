"""Schemathesis against each service's OpenAPI with valid tokens: no 5xx, no schema violations."""
from __future__ import annotations

import uuid

import pika
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from contracts.topology import topology
from infra.amqp import connection_parameters
from infra.auth import issue_token
from infra.settings import Settings
from infra.topology import delete_topology
from tests.support.databases import DatabaseFactory
from tests.support.stack import Stack

pytestmark = pytest.mark.integration

# The identity each service is explored as: one whose routes reach the service layer.
CALLERS = {
    "intake": ("enterprise", "91350100M000100Y43", "140400"),
    "review": ("workflow", "duixian", None),
    "payout": ("workflow", "duixian", None),
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def running(request, tmp_path_factory, amqp_url):  # type: ignore[no-untyped-def]
    namespace = f"test-fuzz-{uuid.uuid4().hex[:8]}"
    directory = tmp_path_factory.mktemp("fuzz")
    config = Settings(environment="test", data_dir=directory, amqp_url=amqp_url, amqp_namespace=namespace,
                      consumers_enabled=False, relay_enabled=False)
    postgres = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    databases = DatabaseFactory(request.param, directory, postgres)
    with Stack(config, databases) as stack:
        yield stack
    databases.close()
    connection = pika.BlockingConnection(connection_parameters(amqp_url))
    delete_topology(topology(namespace), connection.channel())
    connection.close()


def _schema(stack: Stack, service: str):  # type: ignore[no-untyped-def]
    # The first /openapi.json builds the document (every model's JSON Schema): on a loaded two-core CI machine
    # that took longer than schemathesis's default 10 s read timeout, so the load waits as long as a slow request may.
    return schemathesis.openapi.from_url(stack.servers[service].url + "/openapi.json", timeout=120)


def _headers(stack: Stack, service: str) -> dict[str, str]:
    role, organisation, region = CALLERS[service]
    token = issue_token(stack.base_settings, subject=f"fuzz-{role}", role=role, organisation=organisation, region=region)
    return {"Authorization": f"Bearer {token}"}


# "No 5xx and no schema violations": the conformance checks. Acceptance heuristics are left out on
# purpose: a schema cannot express a USCC's check character or a clause's eligibility, so a
# schema-valid body may rightly get 422.
CONFORMANCE = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@pytest.mark.parametrize("service", ["intake", "review", "payout"])
def test_api_conforms_to_its_openapi_with_valid_tokens(running, service):  # type: ignore[no-untyped-def]
    """Every operation, fuzzed from its schema: no 5xx, responses match the documented schemas."""
    headers = _headers(running, service)
    operations = [result.ok() for result in _schema(running, service).get_all_operations()]
    assert operations
    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy())
        def explore(case):  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, checks=CONFORMANCE)

        try:
            explore()
        except Exception as error:
            raise AssertionError(f"{service} {operation.method.upper()} {operation.path}: {error}") from error
