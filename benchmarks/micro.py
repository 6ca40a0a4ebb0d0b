"""Micro benchmarks, one part at a time in this process (`python -m benchmarks`; the relay figure needs RabbitMQ)."""
from __future__ import annotations

import datetime as dt
import resource
import tempfile
import time
import uuid
from pathlib import Path

from contracts.envelope import Actor
from contracts.events.review import TaskOpened
from infra import migrations
from infra.amqp import Publisher, broker_reachable
from infra.db import open_database
from infra.relay import OutboxRelay
from infra.settings import Settings
from infra.topology import delete_topology
from infra.uow import UnitOfWork
from policies.calculator import calculate
from policies.calendar import WorkingDayCalendar


def rate(label: str, count: int, seconds: float, unit: str = "ops") -> None:
    print(f"{label:<46} {count / seconds:>12,.0f} {unit}/s   ({count} in {seconds:.2f} s)")


def bench_calculator(n: int = 5000) -> None:
    facts = {"entity_id": "91350100M000100Y43", "year": 2026, "project_id": "HT-1", "output_party_in_changzhi": True,
             "platform_registered": True, "contract_registered_and_recognized": True, "converted_with_results": True,
             "financial_management_sound": True, "ownership_clear": True, "receipts_yuan": "5000000"}
    calculate("ckf2022-8.3", facts)
    started = time.perf_counter()
    for _ in range(n):
        calculate("ckf2022-8.3", facts)
    rate("calculator: ckf2022-8.3 determinations", n, time.perf_counter() - started)


def bench_calendar(n: int = 5000) -> None:
    calendar = WorkingDayCalendar()
    start = dt.datetime(2025, 9, 26, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    started = time.perf_counter()
    for i in range(n):
        calendar.deadline(start + dt.timedelta(days=i % 300), 7)
    rate("calendar: 7-working-day deadlines", n, time.perf_counter() - started)


def bench_outbox_relay(n: int = 2000) -> None:
    settings = Settings()
    if not broker_reachable(settings.amqp_url):
        print("outbox relay: skipped (no RabbitMQ at AMQP_URL)")
        return
    from services.review.entrypoints.app import build_runtime

    namespace = f"bench-{uuid.uuid4().hex[:6]}"
    with tempfile.TemporaryDirectory() as directory:
        db = open_database(f"sqlite:///{Path(directory) / 'review.db'}")
        runtime = build_runtime(settings.model_copy(update={"amqp_namespace": namespace}), db)
        migrations.upgrade(runtime)
        started = time.perf_counter()
        actor = Actor(subject="bench", role="workflow")
        for i in range(n):
            with UnitOfWork(runtime, actor=actor) as uow:
                uow.publish(TaskOpened(task_id=f"T{i}", case_id=f"C{i}", kind="case_review", title="bench",
                                       assignee_role="r", assignee_org="o"), correlation_id=f"C{i}")
                uow.audit("bench", "task", f"T{i}")
                uow.commit()
        rate("unit of work: state+outbox+audit commits (SQLite)", n, time.perf_counter() - started, "commits")
        publisher = Publisher(settings.amqp_url, runtime.topology)
        relay = OutboxRelay("review", db, runtime.tables, publisher)
        started = time.perf_counter()
        published = 0
        while (batch := relay.publish_batch()) > 0:
            published += batch
        rate("outbox relay: confirmed publishes to RabbitMQ", published, time.perf_counter() - started, "msgs")
        channel = publisher._open_channel()
        delete_topology(runtime.topology, channel)
        publisher.close()
        db.dispose()


def bench_exports(n: int = 10_000) -> None:
    """A year's stage register for a large city: n rows to XLSX and CSV (what an official waits for)."""
    from infra.exports import Table, to_csv, to_xlsx
    from services.payout.service_layer.finance import REGISTER_COLUMNS

    row = [1, "STG-0123456789ABCDEF", "APP-0123456789ABCDEF", "长治示例科技有限公司", "91140400MA0GRAND6J", "140400",
           "长科发〔2022〕5号 8.3", 1, 2026, 20_000_000, "已拨付", "city:140400 200000.00", "zhang", "2026-03-01 10:00", "li",
           "2026-03-01 11:00", "B-20260302-0001", "2026-03-02", "", None]
    table = Table("拨付台账", REGISTER_COLUMNS, [[i, *row[1:]] for i in range(1, n + 1)], None)
    for label, write in (("xlsx", to_xlsx), ("csv", to_csv)):
        started = time.perf_counter()
        size = len(write(table))
        rate(f"exports: stage register rows to {label} ({size / 1e6:.1f} MB)", n, time.perf_counter() - started, "rows")


def main() -> None:
    print(f"duixian benchmarks — {dt.datetime.now().isoformat(timespec='seconds')}")
    bench_calculator()
    bench_calendar()
    bench_outbox_relay()
    bench_exports()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak resident memory':<46} {peak:>12,.0f} MiB")

