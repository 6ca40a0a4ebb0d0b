"""Connecting to Temporal with the pydantic data converter (one place for client options)."""
from __future__ import annotations

import asyncio

import structlog
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from infra.settings import Settings

log = structlog.get_logger(__name__)


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address, namespace=settings.temporal_namespace, data_converter=pydantic_data_converter
    )


async def connect_with_retry(settings: Settings, attempts: int = 60) -> Client:
    """Processes may start before Temporal is ready (honcho, compose): wait for it, then give up loudly."""
    for attempt in range(1, attempts + 1):
        try:
            return await connect(settings)
        except Exception as error:
            log.warning("temporal_unreachable", attempt=attempt, address=settings.temporal_address, error=repr(error))
            await asyncio.sleep(min(attempt, 5))
    raise SystemExit(f"Temporal 不可达: {settings.temporal_address}")
