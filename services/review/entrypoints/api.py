"""review's HTTP API: officials work their queue; workflows open tasks (internal)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from contracts.api.review import (
    CaseFile,
    DecideTask,
    DecisionPublic,
    DepartmentCount,
    EscalateTask,
    OpenTask,
    Reminder,
    TaskPublic,
    TaskRef,
    TaskStatus,
    TierTablePublic,
)
from infra.auth import ROLES, AdminDep, Principal, PrincipalDep, WorkflowDep, roles_allowed
from infra.errors import ERROR_RESPONSES
from infra.idempotency import IdempotencyDep
from infra.web import UowDep
from policies.tables import TierTable
from services.review.service_layer import case_file, tier_tables
from services.review.service_layer import tasks as service
from services.review.service_layer.scope import NEVER_ACT

router = APIRouter(prefix="/tasks", tags=["tasks"], responses=ERROR_RESPONSES)
internal = APIRouter(prefix="/internal", tags=["internal"], responses=ERROR_RESPONSES)


@router.get("", response_model=list[TaskPublic], summary="我的待办 (本单位本角色)")
def list_tasks(
    principal: PrincipalDep,
    uow: UowDep,
    status: TaskStatus | None = None,
    overdue: Annotated[bool | None, Query(description="true: 只看已超期仍待办理的; false: 只看未超期的")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[TaskPublic]:
    return service.list_tasks(uow, principal, status=status, overdue=overdue, limit=limit, offset=offset)


@router.get("/counts", response_model=list[DepartmentCount], summary="待办数量: 各单位待办理与已超期 (本单位本角色)")
def task_counts(principal: PrincipalDep, uow: UowDep) -> list[DepartmentCount]:
    return case_file.counts(uow, principal)


@router.get("/{task_id}", response_model=TaskPublic, summary="待办详情")
def get_task(task_id: str, principal: PrincipalDep, uow: UowDep) -> TaskPublic:
    return service.public(uow, service.get_task(uow, principal, task_id))


ACTING_ROLES = tuple(r for r in ROLES if r not in NEVER_ACT)
ActingDep = Annotated[Principal, Depends(roles_allowed(*ACTING_ROLES))]


@router.get("/{task_id}/case-file", response_model=CaseFile,
            summary="案卷: 待办、同一案件的前序意见、四眼原则、计算器按当前事实的核定试算")
def get_case_file(task_id: str, principal: PrincipalDep, uow: UowDep) -> CaseFile:
    return case_file.case_file(uow, principal, task_id)


@router.post("/{task_id}/decision", response_model=DecisionPublic, status_code=201, summary="办理: 通过或不通过")
def decide(
    task_id: str,
    body: DecideTask,
    uow: UowDep,
    idempotency: IdempotencyDep,
    principal: ActingDep,
) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.decide(uow, principal, task_id, body), status_code=201)


@internal.post("/tasks", response_model=TaskRef, status_code=201, summary="(workflow) 派发待办")
def open_task(
    body: OpenTask,
    uow: UowDep,
    idempotency: IdempotencyDep,
    principal: WorkflowDep,
) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.open_task(uow, body), status_code=201)


@internal.post("/tasks/{task_id}/reminders", response_model=TaskRef, status_code=201, summary="(workflow) 超期提醒")
def remind(
    task_id: str,
    body: Reminder,
    uow: UowDep,
    idempotency: IdempotencyDep,
    principal: WorkflowDep,
) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.remind(uow, task_id), status_code=201)


@internal.post("/tasks/{task_id}/escalations", response_model=TaskRef, status_code=201, summary="(workflow) 超期上报督办")
def escalate(
    task_id: str,
    body: EscalateTask,
    uow: UowDep,
    idempotency: IdempotencyDep,
    principal: WorkflowDep,
) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.escalate(uow, task_id, body), status_code=201)


admin = APIRouter(tags=["reference-data"], responses=ERROR_RESPONSES)


@admin.get("/tier-tables", response_model=list[TierTablePublic], summary="已载入的分档表 (表1–表6)")
def list_tier_tables(principal: PrincipalDep, uow: UowDep) -> list[TierTablePublic]:
    return tier_tables.listing(uow)


@admin.post("/admin/tier-tables", response_model=TierTablePublic, status_code=201, summary="(管理员) 载入分档表及其来源")
def load_tier_table(
    body: TierTable,
    uow: UowDep,
    idempotency: IdempotencyDep,
    principal: AdminDep,
) -> JSONResponse:
    return idempotency.run(uow, body, lambda: tier_tables.load(uow, principal, body), status_code=201)
