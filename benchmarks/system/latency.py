"""P3: the latency a person feels. An enterprise applies and two departments decide, at about two
decisions a second; each waits for its task the way an official does, refreshing GET /tasks.

Figures: application returned → first task visible, and decision returned → the next department's
task visible (p50/p95/p99). Hops: where the time of a decision → next task goes, from the stored
instants of each step (review's outbox row written and published, the case workflow's history in
Temporal, the task row opened), as the median offset from the decision's response."""
from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import col
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client

from benchmarks.system.figures import Report, percentile
from benchmarks.system.journeys import DEPARTMENTS, People
from benchmarks.system.stack import Stack
from duixian.services import entrypoint
from infra.db import open_database
from infra.runtime import ServiceRuntime
from services.review.adapters.orm import Task
from workflows.temporal import connect

POLL_SECONDS = 0.05  # how often a waiting official refreshes: figures are late by up to this much


@dataclass(frozen=True)
class Hop:
    name: str
    service: str  # whose outbox holds the event that starts the hop
    event_type: str
    task: int  # which of the case's tasks ends it


HOPS = (Hop("application_to_first_task", "intake", "intake.application.submitted", 0),
        Hop("decision_to_next_task", "review", "review.decision.recorded", 1))


async def one_case(people: People, number: int) -> dict:
    case_id = await people.apply(number)
    returned = time.time()
    timings: dict = {"case_id": case_id, "tasks": []}
    for hop, organisation in zip(HOPS, DEPARTMENTS, strict=True):
        task, visible = await people.task_of(organisation, case_id, poll=POLL_SECONDS)
        timings[hop.name] = (returned, visible)
        timings["tasks"].append(task["id"])
        await people.decide(organisation, task["id"])
        returned = time.time()
    return timings


async def run_cases(stack: Stack, cases: int, decisions_per_second: float = 2.0) -> list[dict]:
    assert stack.system is not None
    people = People.of(stack.system, applicants=4)
    try:
        running = []
        for number in range(cases):  # each case makes two decisions: one case started per 1/rate × 2 s
            running.append(asyncio.create_task(one_case(people, number)))
            await asyncio.sleep(2 / decisions_per_second)
        return list(await asyncio.gather(*running))
    finally:
        await people.aclose()


def measure(stack: Stack, report: Report, cases: int) -> None:
    report.section(f"P3 latency ({stack.kind}): {cases} cases, ~2 decisions/s, GET /tasks refreshed every "
                   f"{POLL_SECONDS * 1000:.0f} ms")
    results = asyncio.run(run_cases(stack, cases))
    for hop in HOPS:
        values = [(r[hop.name][1] - r[hop.name][0]) * 1000 for r in results]
        for p in (50, 95, 99):
            report.value(f"p3_{stack.kind}_{hop.name}_p{p}_ms", percentile(values, p), "ms",
                         goal="p50 < 150 ms, p99 < 500 ms" if p == 50 else "")
    for hop in HOPS:
        report.note(f"where {hop.name} goes (median ms after the response; instants stored by each step):")
        for label, offset in asyncio.run(hops(stack, results, hop)):
            report.note(f"  +{offset:7.0f} ms  {label}")


async def hops(stack: Stack, results: list[dict], hop: Hop) -> list[tuple[str, float]]:
    """(step, median ms after the response that began `hop`) for each step until its task was seen."""
    assert stack.system is not None
    settings = stack.system.settings
    source = entrypoint(hop.service).build_runtime(settings, open_database(stack.database_url(hop.service)))
    review = entrypoint("review").build_runtime(settings, open_database(stack.database_url("review")))
    client = await connect(settings)
    offsets: dict[str, list[float]] = defaultdict(list)
    try:
        for result in results:
            begun = result[hop.name][0]
            for label, instant in await _steps(source, review, client, result, hop):
                offsets[label].append((instant - begun) * 1000)
    finally:
        source.db.dispose()
        review.db.dispose()
    medians = [(label, statistics.median(values)) for label, values in offsets.items() if len(values) >= len(results) / 2]
    return sorted(medians, key=lambda item: item[1])


async def _steps(source: ServiceRuntime, review: ServiceRuntime, client: Client, result: dict, hop: Hop) -> list[tuple[str, float]]:
    outbox = source.tables.outbox
    with source.db.engine.connect() as conn:
        event = conn.execute(select(outbox.c.created_at, outbox.c.published_at).where(
            outbox.c.correlation_id == result["case_id"], outbox.c.event_type == hop.event_type)
            .order_by(outbox.c.seq).limit(1)).one()
    with review.db.engine.connect() as conn:
        opened = conn.execute(select(col(Task.opened_at)).where(col(Task.id) == result["tasks"][hop.task])).scalar_one()
    seen_at = result[hop.name][1]
    steps = [(f"{hop.service}: the event written with the change (outbox row)", event.created_at.timestamp())]
    if event.published_at is not None:
        steps.append((f"{hop.service} relay: event published, broker confirmed", event.published_at.timestamp()))
    history = await client.get_workflow_handle(result["case_id"]).fetch_history()
    activities: dict[int, str] = {}
    counted: dict[str, int] = defaultdict(int)
    for item in history.events:
        instant = item.event_time.ToDatetime(tzinfo=dt.UTC).timestamp()
        if item.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            activities[item.event_id] = item.activity_task_scheduled_event_attributes.activity_type.name
        if not event.created_at.timestamp() <= instant <= seen_at:
            continue
        name = _activity_of(item, activities)
        label = "temporal: " + EventType.Name(item.event_type).removeprefix("EVENT_TYPE_").lower() + (f" ({name})" if name else "")
        counted[label] += 1
        steps.append((label + (f" #{counted[label]}" if counted[label] > 1 else ""), instant))
    steps.append(("review: the task row written (opened_at)", opened.timestamp()))
    steps.append(("official: the task seen on GET /tasks", seen_at))
    return steps


def _activity_of(item: HistoryEvent, activities: dict[int, str]) -> str:
    if item.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        return activities[item.event_id]
    if item.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        return activities.get(item.activity_task_started_event_attributes.scheduled_event_id, "")
    if item.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        return activities.get(item.activity_task_completed_event_attributes.scheduled_event_id, "")
    return ""
