"""The real system as separate processes, started the way a user starts it: `duixian up`
(RabbitMQ check, migrations, then honcho runs the Procfile), on free ports and a private
data folder and bus namespace, stopped with SIGINT like Ctrl-C.

As under `make up`, the services verify tokens against the portal's JWKS: the tests sign theirs
RS256 with a key of their own in the data folder's key directory, which the portal publishes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pika

from contracts.topology import topology
from infra.amqp import connection_parameters
from infra.settings import Settings
from infra.signing import load_or_create, sign_service_token
from infra.topology import delete_topology
from tests.support.servers import free_port

DUIXIAN = str(Path(sys.executable).parent / "duixian")
TEST_KEY = "tests"
SERVICE_ENV_KEYS = ("DATABASE_URL", "INTAKE_DATABASE_URL", "REVIEW_DATABASE_URL", "PAYOUT_DATABASE_URL")


class SystemUnderTest:
    def __init__(self, data_dir: Path, amqp_url: str, database_url: str | None = None):
        self.data_dir = data_dir
        self.amqp_url = amqp_url
        self.namespace = f"e2e-{uuid.uuid4().hex[:8]}"
        self.ports = {name: free_port() for name in ("intake", "review", "payout", "temporal", "temporal_ui", "portal", "oidc")}
        env = {k: v for k, v in os.environ.items() if k not in SERVICE_ENV_KEYS}
        env.update(
            DATA_DIR=str(data_dir),
            AMQP_URL=amqp_url,
            AMQP_NAMESPACE=self.namespace,
            TEMPORAL_PORT=str(self.ports["temporal"]),
            TEMPORAL_UI_PORT=str(self.ports["temporal_ui"]),
            TEMPORAL_ADDRESS=f"127.0.0.1:{self.ports['temporal']}",
            TEMPORAL_TASK_QUEUE=f"duixian-{self.namespace}",
            INTAKE_PORT=str(self.ports["intake"]),
            REVIEW_PORT=str(self.ports["review"]),
            PAYOUT_PORT=str(self.ports["payout"]),
            PORTAL_PORT=str(self.ports["portal"]),
            OIDC_PORT=str(self.ports["oidc"]),
            OIDC_ISSUER=f"http://127.0.0.1:{self.ports['oidc']}",
            ENVIRONMENT="development",
            PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
        )
        if database_url:
            env["DATABASE_URL"] = database_url
        self.env = env
        self.settings = Settings(_env_file=None, **{k.lower(): v for k, v in env.items() if k in (
            "AMQP_URL", "AMQP_NAMESPACE", "TEMPORAL_ADDRESS")})
        self.log_path = data_dir / "system.log"
        self.process: subprocess.Popen | None = None

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(self, timeout: float = 120) -> SystemUnderTest:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        load_or_create(self.data_dir / "keys", TEST_KEY)  # published from the start: the services cache the JWKS
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen([DUIXIAN, "up"], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        for service, path in (("intake", "/readyz"), ("review", "/readyz"), ("payout", "/readyz"), ("portal", "/readyz"),
                              ("oidc", "/.well-known/openid-configuration")):
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"duixian up exited early:\n{self.log()}")
                try:
                    if httpx.get(self.url(service) + path, timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{service} not ready after {timeout}s:\n{self.log()}")
                time.sleep(0.5)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-20000:] if self.log_path.exists() else ""

    def stop(self) -> int | None:
        if self.process is None:
            return None
        try:
            os.killpg(self.process.pid, signal.SIGINT)
            code = self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            code = self.process.wait(10)
        connection = pika.BlockingConnection(connection_parameters(self.amqp_url))
        delete_topology(topology(self.namespace), connection.channel())
        connection.close()
        return code

    def token(self, role: str, organisation: str, **claims) -> str:  # type: ignore[no-untyped-def]
        """RS256, with the tests' own key from the key directory the portal's JWKS publishes."""
        key = load_or_create(self.data_dir / "keys", TEST_KEY)
        return sign_service_token(self.settings, key, subject=claims.pop("subject", f"{role}@{organisation}"), role=role,
                                  organisation=organisation, **claims)

    def client(self, service: str, role: str, organisation: str, **claims) -> httpx.Client:  # type: ignore[no-untyped-def]
        token = self.token(role, organisation, **claims)
        return httpx.Client(base_url=self.url(service), headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def __enter__(self) -> SystemUnderTest:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
