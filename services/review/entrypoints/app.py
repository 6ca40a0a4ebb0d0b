"""Composition root of the review process."""
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
from services.review import SERVICE
from services.review.adapters.orm import INFRA, ReviewTable
from services.review.entrypoints import api, public, selection

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def build_runtime(settings: Settings | None = None, database: Database | None = None) -> ServiceRuntime:
    settings = settings or get_settings()
    return ServiceRuntime.build(
        SERVICE,
        settings,
        metadata=ReviewTable.metadata,
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
        title="duixian review 审核办理",
        description="各部门、专家、链长的待办与办理意见; 公示名单与异议。",
        routers=[api.router, api.internal, api.admin, selection.public, selection.router, selection.internal,
                 selection.admin, public.router],
        consumers=[ConsumerBinding(checkpoints, InboxHandler(runtime, checkpoints.key, audit_checkpoints.HANDLERS))],
    )
