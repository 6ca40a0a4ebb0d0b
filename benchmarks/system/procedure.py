"""P2: procedure throughput. `cases` full cases at once (apply → the centre decides → the bureau decides
→ payout plan): enterprises apply, each department clears its queue as it fills (GET /tasks every
quarter second, deciding every task of the run), and the run ends when payout holds a plan for every
case. Against trivial_case: the same activities and signals on the same Temporal server, nothing else."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import uuid

from sqlalchemy import func, select
from sqlmodel import col

from benchmarks.system import trivial_case
from benchmarks.system.figures import Repeats, Report
from benchmarks.system.journeys import DEPARTMENTS, People
from benchmarks.system.stack import Stack
from infra.db import open_database
from services.payout.adapters.orm import PayoutPlan
from workflows.temporal import connect

QUEUE_REFRESH_SECONDS = 0.25


async def clear_queue(people: People, organisation: str, cases: set[str], done: asyncio.Event) -> None:
    decided: set[str] = set()
    while not done.is_set():
        for task in await people.open_tasks(organisation):
            if task["case_id"] in cases and task["id"] not in decided:
                await people.decide(organisation, task["id"])
                decided.add(task["id"])
        await asyncio.sleep(QUEUE_REFRESH_SECONDS)


async def plans_for_all(stack: Stack, cases: set[str], timeout: float) -> bool:
    db = open_database(stack.database_url("payout"))
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with db.engine.connect() as conn:
                planned = conn.execute(select(func.count()).where(col(PayoutPlan.case_id).in_(cases))).scalar_one()
            if planned >= len(cases):
                return True
            await asyncio.sleep(0.25)
        return False
    finally:
        db.dispose()


async def full_cases(stack: Stack, cases: int, timeout: float) -> float:
    """Cases per second, from the first application to the last payout plan (NaN if not all within `timeout`)."""
    assert stack.system is not None
    people = People.of(stack.system, applicants=8)
    try:
        started = time.perf_counter()
        semaphore = asyncio.Semaphore(32)  # as many enterprises applying at once as in P1

        async def apply(number: int) -> str:
            async with semaphore:
                return await people.apply(number)

        ids = set(await asyncio.gather(*(apply(n) for n in range(cases))))
        done = asyncio.Event()
        officers = [asyncio.create_task(clear_queue(people, org, ids, done)) for org in DEPARTMENTS]
        finished = await plans_for_all(stack, ids, timeout)
        elapsed = time.perf_counter() - started
        done.set()
        await asyncio.gather(*officers)
        return cases / elapsed if finished else float("nan")
    finally:
        await people.aclose()


async def trivial_cases(stack: Stack, task_queue: str, cases: int) -> float:
    assert stack.system is not None
    client = await connect(stack.system.settings)
    started = time.perf_counter()
    await trivial_case.run_cases(client, task_queue, f"trivial-{uuid.uuid4().hex[:8]}", cases)
    return cases / (time.perf_counter() - started)


def measure(stack: Stack, report: Report, *, cases: int, repeats: int, timeout: float) -> None:
    assert stack.system is not None
    report.section(f"P2 procedure throughput ({stack.kind}): {cases} full cases (apply → two decisions → payout plan), "
                   f"{repeats} repeats, baseline = trivial workflow, same activities and signals")
    task_queue = f"trivial-{stack.system.namespace}"
    worker = subprocess.Popen([sys.executable, "-m", "benchmarks.system.trivial_case",
                               stack.system.settings.temporal_address, task_queue],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    real, trivial = Repeats(), Repeats()
    try:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
        for _ in range(repeats):
            trivial.add(asyncio.run(trivial_cases(stack, task_queue, cases)))
            real.add(asyncio.run(full_cases(stack, cases, timeout)))
    finally:
        worker.terminate()
        worker.wait(30)
    report.figure(f"p2_{stack.kind}_cases_per_s", real, "cases/s", baseline=trivial, goal="ratio ≥ 0.7")
