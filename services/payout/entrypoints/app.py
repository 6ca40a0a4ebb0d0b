"""Composition root of the payout process."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from contracts.topology import AUDIT_CHECKPOINTS, topology
from infra import audit_checkpoints
from infra.background import ConsumerBinding
from infra.db import Database
from infra.inbox import InboxHandler
from infra.runtime import ServiceRuntime
from infra.settings import Settings, get_settings
from infra.web import create_service_app
from services.payout import SERVICE
from services.payout.adapters.orm import INFRA, PayoutTable
from services.payout.entrypoints import api

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def build_runtime(settings: Settings | None = None, database: Database | None = None) -> ServiceRuntime:
    settings = settings or get_settings()
    return ServiceRuntime.build(
        SERVICE,
        settings,
        metadata=PayoutTable.metadata,
        tables=INFRA,
        migrations_dir=MIGRATIONS,
        topology=topology(settings.amqp_namespace),
        database=database,
    )


def create_app(runtime: ServiceRuntime | None = None) -> FastAPI:
    runtime = runtime or build_runtime()
    checkpoints = runtime.topology.queue(AUDIT_CHECKPOINTS[SERVICE].key)
    return create_service_app(
        runtime,
        title="duixian payout 资金拨付",
        description="财政局台账: 拨付计划、分期、记账与预算。",
        routers=[api.router, api.stage_router, api.finance_router, api.internal],
        consumers=[ConsumerBinding(checkpoints, InboxHandler(runtime, checkpoints.key, audit_checkpoints.HANDLERS))],
    )
