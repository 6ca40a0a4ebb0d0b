"""Composition root of the intake process."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from contracts.topology import AUDIT_CHECKPOINTS, INTAKE_AWARD_OPENING, INTAKE_CASE_PROJECTION, topology
from infra import audit_checkpoints
from infra.background import ConsumerBinding
from infra.db import Database
from infra.inbox import InboxHandler
from infra.runtime import ServiceRuntime
from infra.settings import Settings, get_settings
from infra.web import create_service_app
from services.intake import SERVICE
from services.intake.adapters.orm import INFRA, IntakeTable
from services.intake.entrypoints import api, clauses, criteria, referrals, selection, zones
from services.intake.service_layer import award_opening
from services.intake.service_layer.projection import HANDLERS

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def build_runtime(settings: Settings | None = None, database: Database | None = None) -> ServiceRuntime:
    settings = settings or get_settings()
    return ServiceRuntime.build(
        SERVICE,
        settings,
        metadata=IntakeTable.metadata,
        tables=INFRA,
        migrations_dir=MIGRATIONS,
        topology=topology(settings.amqp_namespace),
        database=database,
    )


def create_app(runtime: ServiceRuntime | None = None) -> FastAPI:
    runtime = runtime or build_runtime()
    checkpoints = runtime.topology.queue(AUDIT_CHECKPOINTS[SERVICE].key)
    projection = runtime.topology.queue(INTAKE_CASE_PROJECTION.key)
    award_opening_queue = runtime.topology.queue(INTAKE_AWARD_OPENING.key)
    return create_service_app(
        runtime,
        title="duixian intake 申报受理",
        description="申报单位提交申请、自荐材料; 查询办理状态与办理记录。",
        routers=[api.router, referrals.router, referrals.internal, zones.router, selection.router, clauses.router,
                 criteria.router],
        consumers=[
            ConsumerBinding(projection, InboxHandler(runtime, projection.key, HANDLERS)),
            ConsumerBinding(award_opening_queue, InboxHandler(runtime, award_opening_queue.key, award_opening.HANDLERS)),
            ConsumerBinding(checkpoints, InboxHandler(runtime, checkpoints.key, audit_checkpoints.HANDLERS)),
        ],
    )
