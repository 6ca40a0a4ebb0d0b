"""P1: an intake surge. `applications` applications from `clients` concurrent clients against intake,
and the same against a bare FastAPI + SQLModel insert endpoint on the same kind of database
(baseline_intake), one after the other in each repeat; then how long until every case of the surge
has its first task open at review (counted in review's database every half second)."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
from sqlalchemy import func, select
from sqlmodel import col

from benchmarks.system.figures import Repeats, Report
from benchmarks.system.journeys import application
from benchmarks.system.load import Surge, surge
from benchmarks.system.stack import Stack
from infra.db import open_database
from services.review.adapters.orm import Task
from tests.support.servers import free_port
from tests.support.tokens import make_uscc


class Baseline:
    """The bare insert endpoint in its own process, for the length of the surge figures."""

    def __init__(self, stack: Stack):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.system.baseline_intake", stack.database_url("baseline"), str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        raise RuntimeError("the baseline endpoint did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def duixian_requests(stack: Stack, clients: int) -> Callable[[int], tuple[dict, dict[str, str]]]:
    assert stack.system is not None
    enterprises = [(uscc, f"Bearer {stack.system.token('enterprise', uscc, region='140400')}")
                   for uscc in (make_uscc() for _ in range(clients))]

    def request(number: int) -> tuple[dict, dict[str, str]]:
        uscc, bearer = enterprises[number % len(enterprises)]
        return application(uscc, number), {"Authorization": bearer, "Idempotency-Key": f"surge-{uuid.uuid4().hex}"}

    return request


def baseline_request(number: int) -> tuple[dict, dict[str, str]]:
    return application(make_uscc(), number), {}


def wait_for_first_tasks(stack: Stack, since: datetime, expected: int, timeout: float) -> float:
    """Seconds until `expected` cases have a task opened at review since `since` (NaN if not within `timeout`)."""
    assert stack.system is not None
    db = open_database(stack.database_url("review"))
    started = time.monotonic()
    try:
        while time.monotonic() - started < timeout:
            with db.engine.connect() as conn:
                opened = conn.execute(select(func.count(func.distinct(Task.case_id))).where(col(Task.opened_at) >= since)).scalar_one()
            if opened >= expected:
                return time.monotonic() - started
            time.sleep(0.5)
        return float("nan")
    finally:
        db.dispose()


def measure(stack: Stack, report: Report, *, applications: int, clients: int, repeats: int, drain_timeout: float) -> None:
    assert stack.system is not None
    report.section(f"P1 intake surge ({stack.kind}): {applications} applications from {clients} clients, "
                   f"{repeats} repeats, baseline = bare FastAPI + SQLModel insert")
    rate, p50, p99, base_rate, base_p50, base_p99, drain, refused = (Repeats() for _ in range(8))
    baseline = Baseline(stack)
    cpu_before = stack.cpu_seconds()
    try:
        for _ in range(repeats):
            bare: Surge = asyncio.run(surge(baseline.url, "/applications", applications, clients, baseline_request))
            since = datetime.now(UTC)
            real: Surge = asyncio.run(surge(stack.system.url("intake"), "/applications", applications, clients,
                                            duixian_requests(stack, clients)))
            drain.add(wait_for_first_tasks(stack, since, real.accepted, drain_timeout))
            for repeats_, value in ((rate, real.per_second), (p50, real.p(50)), (p99, real.p(99)),
                                    (base_rate, bare.per_second), (base_p50, bare.p(50)), (base_p99, bare.p(99)),
                                    (refused, real.refused)):
                repeats_.add(value)
    finally:
        baseline.stop()
    cpu = {name: seconds - cpu_before.get(name, 0.0) for name, seconds in stack.cpu_seconds().items()}
    prefix = f"p1_{stack.kind}"
    report.figure(f"{prefix}_accepted_per_s", rate, "apps/s", baseline=base_rate, goal="ratio ≥ 0.7")
    report.figure(f"{prefix}_p50_ms", p50, "ms", baseline=base_p50)
    report.figure(f"{prefix}_p99_ms", p99, "ms", baseline=base_p99, goal="< 250 ms")
    report.figure(f"{prefix}_refused", refused, "requests")
    report.figure(f"{prefix}_first_tasks_open_after_surge_s", drain, "s")
    report.note("CPU seconds per process over the surges and until the first tasks were open: " + ", ".join(
        f"{name} {seconds:.0f}" for name, seconds in sorted(cpu.items(), key=lambda item: -item[1])))
    for name, seconds in cpu.items():
        report.figures[f"{prefix}_cpu_{name}_s"] = round(seconds, 1)
