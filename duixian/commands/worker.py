"""`duixian worker`: the Temporal worker process."""
from __future__ import annotations

import asyncio

import click

from infra.settings import get_settings


@click.command("worker")
def command() -> None:
    """运行 Temporal worker (workflows and activities)."""
    from workflows import worker

    asyncio.run(worker.run(get_settings()))
