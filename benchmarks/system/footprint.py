"""What stays around a person's wait: each process's memory (idle, and after the surge), GET /tasks
with the surge's cases open (first page, last page, every page), and how long the command line takes
to answer `--help` and `policy calc` against importing the calculator alone."""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.system.figures import Repeats, Report, percentile
from benchmarks.system.journeys import CENTER, PAGE
from benchmarks.system.stack import Stack
from tests.support.cases import tech_transfer_facts

DUIXIAN = str(Path(sys.executable).parent / "duixian")


def memory(stack: Stack, report: Report, moment: str) -> None:
    report.section(f"memory ({stack.kind}, {moment}): resident MiB per process")
    for name, mib in sorted(stack.memory_mib().items()):
        report.value(f"mem_{stack.kind}_{moment}_{name}_mib", mib, "MiB")


def task_lists(stack: Stack, report: Report, samples: int = 20) -> None:
    assert stack.system is not None
    with stack.system.client("review", "competent_department", CENTER, region="140400", subject="bench-lists") as officer:
        total = 0
        while len(page := officer.get("/tasks", params={"status": "open", "limit": PAGE, "offset": total}).json()) == PAGE:
            total += PAGE
        total += len(page)
        report.section(f"GET /tasks ({stack.kind}) with {total} open tasks at one department: ms per request, {samples} each")
        pages: tuple[tuple[str, dict[str, str | int]], ...] = (
            ("first_page", {"status": "open"}),
            ("last_page", {"status": "open", "offset": max(total - 50, 0)}),
            ("largest_page", {"status": "open", "limit": PAGE}))
        for name, params in pages:
            timings = []
            for _ in range(samples):
                started = time.perf_counter()
                officer.get("/tasks", params=params).raise_for_status()
                timings.append((time.perf_counter() - started) * 1000)
            report.value(f"tasks_{stack.kind}_{name}_p50_ms", percentile(timings, 50), "ms", goal="< 300 ms")
            report.value(f"tasks_{stack.kind}_{name}_p95_ms", percentile(timings, 95), "ms")
    report.figures[f"tasks_{stack.kind}_open"] = total


def command_line(report: Report, repeats: int) -> None:
    """Wall time of each command in a fresh process, median of `repeats` runs (after one warm-up)."""
    report.section(f"command line: seconds per run, {repeats} runs each after one warm-up")
    with tempfile.TemporaryDirectory() as directory:
        facts = Path(directory) / "facts.json"
        facts.write_text(json.dumps({**tech_transfer_facts(), "entity_id": "91140400MA0GRAND6J"}))
        commands = {
            "import_calculator": [sys.executable, "-c", "import policies.calculator"],
            "help": [DUIXIAN, "--help"],
            "policy_calc": [DUIXIAN, "policy", "calc", "ckf2022-8.3", "--facts", str(facts)],
            "calendar_deadline": [DUIXIAN, "calendar", "deadline", "--start", "2026-09-25", "--working-days", "7"],
        }
        times = {name: _timed(argv, repeats) for name, argv in commands.items()}
    for name in ("help", "policy_calc", "calendar_deadline"):
        report.figure(f"cli_{name}_s", times[name], "s", baseline=times["import_calculator"], goal="< 1 s")
    report.figure("cli_import_calculator_s", times["import_calculator"], "s")


def _timed(argv: list[str], repeats: int) -> Repeats:
    subprocess.run(argv, capture_output=True)
    found = Repeats()
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        found.add(time.perf_counter() - started)
    return found

