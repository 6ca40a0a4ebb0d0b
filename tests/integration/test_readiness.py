"""Readiness means "can serve requests": without its database a service cannot, and says so at
/readyz (503) while its status report still answers, naming what is down and what is waiting."""
from __future__ import annotations

from pathlib import Path

import pika
import pytest

from infra.amqp import connection_parameters
from infra.topology import declare_topology
from tests.support.databases import DatabaseFactory
from tests.support.proxy import in_front_of
from tests.support.stack import Stack

pytestmark = pytest.mark.integration


def test_without_its_database_a_service_is_not_ready_and_its_status_says_why(settings, postgres_url, tmp_path: Path):
    proxy, proxied_url = in_front_of(postgres_url)
    databases = DatabaseFactory("postgresql", tmp_path, proxied_url)
    try:
        with Stack(settings.model_copy(update={"relay_enabled": False}), databases, services=("review",)) as stack, \
                stack.client("review") as anonymous, stack.client("review", "admin", "ops") as operator:
            assert anonymous.get("/readyz").status_code == 200
            connection = pika.BlockingConnection(connection_parameters(settings.amqp_url))
            declare_topology(stack.runtimes["review"].topology, connection.channel())  # as the processes do at start
            connection.close()
            proxy.cut()
            readiness = anonymous.get("/readyz")
            assert readiness.status_code == 503 and "数据库不可达" in readiness.json()["checks"]["database"]

            response = operator.get("/status")
            assert response.status_code == 200
            status = response.json()
            assert status["status"] == "down" and status["outbox"] is None
            assert {d["name"]: d["status"] for d in status["dependencies"]} == {"database": "down", "broker": "ok"}
            bridge = next(q for q in status["queues"] if q["queue"] == "workflows.bridge")
            assert (bridge["consumers"], bridge["status"]) == (0, "degraded") and "无消费者" in bridge["detail"]
            assert anonymous.get("/status").status_code == 401

            proxy.restore()
            assert anonymous.get("/readyz").status_code == 200
    finally:
        proxy.restore()
        databases.close()
        proxy.stop()
