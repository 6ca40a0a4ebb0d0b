"""Fixtures shared by every test layer. Backing services are real; see tests/support/backing.py."""
from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pika
import pytest

from contracts.topology import topology
from infra.amqp import connection_parameters
from infra.settings import Settings
from infra.topology import delete_topology
from tests.support import backing
from tests.support.databases import DatabaseFactory

# The longest modules first: `make test` hands each of its workers a module at a time in collection order, so a
# long module collected last would keep one worker busy while the others idle (figures: pytest --durations).
LONGEST_FIRST = ("tests/security/test_schemathesis.py", "tests/workflows/test_selection_round.py",
                 "tests/integration/test_payout_ledger_states.py", "tests/workflows/test_temporal_outage.py",
                 "tests/workflows/test_selection.py", "tests/workflows/test_system_status.py", "tests/e2e/")


def pytest_configure(config: pytest.Config) -> None:
    """Tests never read the checkout's own data folder: after `make up`, data/ holds the portal's keys, and a
    command-line tool seeing them signs RS256 for the running system (infra.signing.with_local_jwks). Each test
    process gets an empty DATA_DIR of its own; a test that needs a data folder names it."""
    os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="duixian-tests-")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return next((i for i, prefix in enumerate(LONGEST_FIRST) if item.nodeid.startswith(prefix)), len(LONGEST_FIRST))
    items.sort(key=rank)  # stable: within a rank, collection order


@pytest.fixture(scope="session")
def amqp_url() -> str:
    url = backing.amqp_url()
    if url is None:
        backing.unavailable("RabbitMQ", "set AMQP_URL, start rabbitmq-server, or provide a Docker engine")
    return url  # type: ignore[return-value]


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = backing.postgres_url()
    if url is None:
        backing.unavailable("PostgreSQL", "set DATABASE_URL, start PostgreSQL, or provide a Docker engine")
    return url  # type: ignore[return-value]


@pytest.fixture(scope="session", autouse=True)
def _stop_containers():  # type: ignore[no-untyped-def]
    yield
    backing.stop_containers()


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> DatabaseFactory:
    """One fresh database per service, on SQLite and again on PostgreSQL."""
    postgres = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    factory = DatabaseFactory(request.param, tmp_path, postgres)
    yield factory  # type: ignore[misc]
    factory.close()


@pytest.fixture
def postgres_databases(postgres_url: str, tmp_path: Path) -> DatabaseFactory:
    """One fresh PostgreSQL database per service, for the long workflow runs that need not repeat on SQLite."""
    factory = DatabaseFactory("postgresql", tmp_path, postgres_url)
    yield factory  # type: ignore[misc]
    factory.close()


@pytest.fixture
def bus_namespace(amqp_url: str) -> str:
    """A private set of exchanges and queues for one test, deleted afterwards."""
    namespace = f"test-{uuid.uuid4().hex[:10]}"
    yield namespace  # type: ignore[misc]
    connection = pika.BlockingConnection(connection_parameters(amqp_url))
    delete_topology(topology(namespace), connection.channel())
    connection.close()


@pytest.fixture
def settings(tmp_path: Path, amqp_url: str, bus_namespace: str) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path,
        amqp_url=amqp_url,
        amqp_namespace=bus_namespace,
        relay_poll_seconds=0.05,
        temporal_task_queue=f"duixian-{bus_namespace}",
        log_json=True,
    )
