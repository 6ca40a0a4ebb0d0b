"""payout's HTTP API: the finance bureau's views; workflows open plans (internal)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from contracts.api.payout import OpenPayoutPlan, PayoutPlanRef
from infra.auth import Principal, PrincipalDep, require_roles
from infra.errors import ERROR_RESPONSES
from infra.idempotency import IdempotencyDep
from infra.web import UowDep
from services.payout.service_layer import plans as service
from services.payout.service_layer.plans import PayoutPlanPublic

router = APIRouter(prefix="/payout-plans", tags=["payout-plans"], responses=ERROR_RESPONSES)
internal = APIRouter(prefix="/internal", tags=["internal"], responses=ERROR_RESPONSES)


@router.get("", response_model=list[PayoutPlanPublic], summary="拨付计划列表")
def list_plans(
    principal: PrincipalDep,
    uow: UowDep,
    case_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[PayoutPlanPublic]:
    return service.list_plans(uow, principal, case_id=case_id, limit=limit, offset=offset)


@router.get("/{plan_id}", response_model=PayoutPlanPublic, summary="拨付计划详情")
def get_plan(plan_id: str, principal: PrincipalDep, uow: UowDep) -> PayoutPlanPublic:
    return service.get_plan(uow, principal, plan_id)


@internal.post("/payout-plans", response_model=PayoutPlanRef, status_code=201, summary="(workflow) 建立拨付计划")
def open_plan(
    body: OpenPayoutPlan,
    uow: UowDep,
    idempotency: IdempotencyDep,
    principal: Principal = require_roles("workflow"),
):  # type: ignore[no-untyped-def]
    return idempotency.run(uow, body, lambda: service.open_plan(uow, body), status_code=201)
