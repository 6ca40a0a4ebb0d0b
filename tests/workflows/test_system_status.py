"""`duixian status` shows what /readyz cannot: cases stop moving when Temporal, the worker or the
bridge is away although every service is ready. On Temporal's dev server with a real worker and
bridge: all well (exit 0); the bridge stopped, the task queue unpolled, Temporal unreachable: each
named (exit 1)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support.bus import subscribed
from tests.support.cockpit import CockpitProcess
from tests.support.servers import free_port
from tests.support.stack import Stack
from tests.support.stand_ins import StandIns
from tests.support.temporal import TemporalHarness
from workflows.application_case import ApplicationCaseWorkflow

pytestmark = pytest.mark.workflow


def status(env: dict[str, str]) -> tuple[int, dict[str, dict]]:
    """`duixian status intake --json` as an operator runs it (its own process: the stack logs to this one's stdout)."""
    result = subprocess.run([sys.executable, "-m", "duixian", "status", "intake", "--json"], env=os.environ | env,
                            capture_output=True, text=True, timeout=60)
    report = json.loads(result.stdout)
    return result.returncode, {c["name"]: c for c in report["components"]} | {q["queue"]: q for q in report["queues"]}


def test_the_system_status_names_a_stopped_bridge_an_unpolled_task_queue_and_an_unreachable_temporal(
        settings, postgres_databases):
    # every process that consumes runs: the services (each keeps the others' audit checkpoints) and the cockpit's
    # projection, whose queues intake reports
    with Stack(settings, postgres_databases) as stack, CockpitProcess(settings, postgres_databases), \
            TemporalHarness(settings, workflows=[ApplicationCaseWorkflow], activities=StandIns(steps=1).all(),
                            dev_server=True) as temporal:
        for service in stack.services:
            subscribed(stack, service)
        env = {"AMQP_URL": settings.amqp_url, "AMQP_NAMESPACE": settings.amqp_namespace,
               "INTAKE_URL": stack.servers["intake"].url, "TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
               "TEMPORAL_ADDRESS": temporal.client.service_client.config.target_host}

        code, seen = status(env)
        assert {name: seen[name]["status"] for name in ("intake", "broker", "temporal", "worker", "bridge")} == \
            dict.fromkeys(("intake", "broker", "temporal", "worker", "bridge"), "ok")
        assert code == 0 and seen["workflows.bridge"]["consumers"] == 1

        code, seen = status(env | {"TEMPORAL_TASK_QUEUE": "nobody-polls-this"})
        assert code == 1 and seen["worker"]["status"] == "down" and "nobody-polls-this" in seen["worker"]["detail"]

        temporal.stop_bridge.set()
        temporal.bridge_thread.join(10)
        code, seen = status(env)
        assert code == 1 and seen["bridge"]["status"] == "down" and seen["workflows.bridge"]["consumers"] == 0
        assert seen["intake"]["status"] == "degraded", "intake serves, but its report shows the queue nobody consumes"

        code, seen = status(env | {"TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}"})
        assert code == 1 and seen["temporal"]["status"] == "down" and seen["worker"]["status"] == "down"
