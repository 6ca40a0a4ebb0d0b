"""The worker process: runs every workflow and activity on the duixian task queue."""
from __future__ import annotations

import asyncio
import signal

import structlog
from temporalio.client import Client
from temporalio.worker import Worker

from infra.logging import configure_logging
from infra.settings import Settings
from workflows.activities import routing
from workflows.activities.intake import IntakeActivities
from workflows.activities.selection import SelectionActivities
from workflows.activities.services import ServiceActivities
from workflows.application_case import ApplicationCaseWorkflow
from workflows.referral_award import ReferralAwardWorkflow
from workflows.selection import SelectionCandidacyWorkflow, SelectionRoundWorkflow
from workflows.temporal import connect_with_retry

log = structlog.get_logger(__name__)

WORKFLOWS = [ApplicationCaseWorkflow, ReferralAwardWorkflow, SelectionRoundWorkflow, SelectionCandidacyWorkflow]


def activities(settings: Settings) -> list:
    return [*ServiceActivities(settings).all(), *IntakeActivities(settings).all(),
            *SelectionActivities(settings).all(), routing.review_route]


def build_worker(client: Client, settings: Settings) -> Worker:
    return Worker(client, task_queue=settings.temporal_task_queue, workflows=WORKFLOWS, activities=activities(settings))


async def run(settings: Settings) -> None:
    configure_logging("worker", settings.log_level, settings.log_json)
    client = await connect_with_retry(settings)
    worker = build_worker(client, settings)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with worker:
        log.info("worker_started", task_queue=settings.temporal_task_queue, temporal=settings.temporal_address)
        await stop.wait()
    log.info("worker_stopped")

