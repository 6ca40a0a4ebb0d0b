"""`duixian bridge`: RabbitMQ → Temporal."""
from __future__ import annotations

import asyncio

import click

from infra.settings import get_settings


@click.command("bridge")
def command() -> None:
    """运行事件桥 (domain events → workflow starts and signals)."""
    from workflows.bridge import main

    asyncio.run(main.run(get_settings()))
