"""P2's baseline: a trivial case workflow with the same activities and signals as ApplicationCase, in
the same order, on the same Temporal server, run by a worker process of its own. The activities do
nothing (no HTTP, no database), the decisions are signalled by the driver straight to Temporal (no
outbox, broker or bridge): what is left is what Temporal itself costs for one case on this machine.

    python -m benchmarks.system.trivial_case TEMPORAL_ADDRESS TASK_QUEUE      (the worker)
"""
from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker

STEPS = ("policies.review_route", "review.open_task", "decision", "payout.prior_awards", "review.open_task", "decision",
         "payout.open_plan")


def _stand_in(name: str) -> Callable[[str], Awaitable[str]]:
    @activity.defn(name=name)
    async def stand_in(argument: str) -> str:
        return argument

    return stand_in


ACTIVITIES = [_stand_in(name) for name in sorted({s for s in STEPS if s != "decision"})]


@workflow.defn(name="TrivialCase")
class TrivialCase:
    def __init__(self) -> None:
        self.decisions: set[str] = set()

    @workflow.run
    async def run(self, case_id: str) -> str:
        number = 0
        for step in STEPS:
            if step == "decision":
                number += 1
                key = f"task-{number}"
                await workflow.wait_condition(lambda: key in self.decisions)
            else:
                await workflow.execute_activity(step, case_id, start_to_close_timeout=timedelta(seconds=15))
        return case_id

    @workflow.signal(name="decision_recorded")
    def decision_recorded(self, task_id: str) -> None:
        self.decisions.add(task_id)


async def run_cases(client: Client, task_queue: str, prefix: str, cases: int) -> None:
    """Starts `cases` trivial cases, signals both decisions to each, and waits until all are done."""
    async def one(number: int) -> None:
        handle = await client.start_workflow(TrivialCase.run, f"{prefix}-{number}", id=f"{prefix}-{number}",
                                             task_queue=task_queue)
        for task in ("task-1", "task-2"):
            await handle.signal(TrivialCase.decision_recorded, task)
        await handle.result()

    await asyncio.gather(*(one(n) for n in range(cases)))


async def serve(address: str, task_queue: str) -> None:
    client = await Client.connect(address)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with Worker(client, task_queue=task_queue, workflows=[TrivialCase], activities=ACTIVITIES):
        print("ready", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], sys.argv[2]))
