"""链主/链核遴选 on review (晋政办发〔2023〕44号 遴选程序（五）): publicity, objections, publication,
and the admin-loaded calendar schedules every working-day period of review is counted on."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from contracts.api.review import CalendarScheduleLoaded, CalendarSchedulePublic
from contracts.api.selection import (
    DrawPanel,
    LoadPool,
    LodgeObjection,
    ObjectionPublic,
    ObjectionReceipt,
    OpenPublicity,
    PanelRecommendation,
    PanelRef,
    PoolPublic,
    PublicityPublic,
    Publish,
    VerifyObjection,
)
from infra.auth import AdminDep, ChainOfficeDep, Principal, PrincipalDep, WorkflowDep, roles_allowed
from infra.body_limits import MIB, body_limit
from infra.errors import ERROR_RESPONSES
from infra.idempotency import IdempotencyDep
from infra.ratelimit import rate_limited
from infra.web import PublicUowDep, UowDep
from policies.calendar import YearSchedule
from services.review.service_layer import calendar, experts
from services.review.service_layer import selection as service

public = APIRouter(prefix="/public/selection", tags=["public"], responses=ERROR_RESPONSES)
router = APIRouter(prefix="/selection", tags=["selection"], responses=ERROR_RESPONSES)
internal = APIRouter(prefix="/internal/selection", tags=["internal"], responses=ERROR_RESPONSES)
admin = APIRouter(tags=["reference-data"], responses=ERROR_RESPONSES)

LIST_LIMIT = rate_limited("public-publicities", 120)
READ_LIMIT = rate_limited("public-publicity", 120)
OBJECTION_LIMIT = rate_limited("public-objections", 10)  # per client address and minute
OBJECTION_READERS = ("province_chain_office", "leading_group", "auditor", "workflow")
ObjectionReaderDep = Annotated[Principal, Depends(roles_allowed(*OBJECTION_READERS))]
PoolReaderDep = Annotated[Principal, Depends(roles_allowed("admin", "province_chain_office", "auditor"))]


@public.get("/publicities", response_model=list[PublicityPublic], summary="(公开, 免登录) 链主/链核公示名单",
            dependencies=[LIST_LIMIT])
def list_publicities(uow: PublicUowDep, limit: Annotated[int, Query(ge=1, le=200)] = 50,
                     offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[PublicityPublic]:
    return service.list_publicities(uow, limit=limit, offset=offset)


@public.get("/publicities/{round_id}", response_model=PublicityPublic, summary="(公开, 免登录) 公示名单及公示期",
            dependencies=[READ_LIMIT])
def get_publicity(round_id: str, uow: PublicUowDep) -> PublicityPublic:
    return service.public(uow, service.get_publicity(uow, round_id))


@public.post("/publicities/{round_id}/objections", response_model=ObjectionReceipt, status_code=201,
             summary="(公开, 免登录) 公示期内提出异议, 须留联系方式, 出具回执",
             dependencies=[OBJECTION_LIMIT])
def lodge_objection(round_id: str, body: LodgeObjection, uow: PublicUowDep, idempotency: IdempotencyDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.lodge_objection(uow, round_id, body), status_code=201)


@router.get("/objections", response_model=list[ObjectionPublic], summary="(省链长办) 异议列表")
def list_objections(uow: UowDep, principal: ObjectionReaderDep, round_id: str | None = None, status: str | None = None,
                    limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
                    ) -> list[ObjectionPublic]:
    return service.list_objections(uow, round_id=round_id, status=status, limit=limit, offset=offset)


@router.post("/objections/{objection_id}/verification", response_model=ObjectionPublic, status_code=201,
             summary="(省链长办) 核实异议: 成立则移出名单, 不成立则保留并记录理由")
def verify_objection(objection_id: str, body: VerifyObjection, uow: UowDep, idempotency: IdempotencyDep,
                     principal: ChainOfficeDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.verify_objection(uow, principal, objection_id, body), status_code=201)


@internal.post("/publicities", response_model=PublicityPublic, status_code=201, summary="(workflow) 开始公示 / 重新计算公示期",
               openapi_extra=body_limit(4 * MIB))  # up to 2000 entries
def open_publicity(body: OpenPublicity, uow: UowDep, idempotency: IdempotencyDep,
                   principal: WorkflowDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.open_publicity(uow, body), status_code=201)


@internal.get("/publicities/{round_id}", response_model=PublicityPublic, summary="(workflow) 公示状态")
def publicity_state(round_id: str, uow: UowDep, principal: WorkflowDep) -> PublicityPublic:
    return service.public(uow, service.get_publicity(uow, round_id))


@internal.post("/publicities/{round_id}/publication", response_model=PublicityPublic, status_code=201,
               summary="(workflow) 公示期满且异议均已核实后公布名单")
def publish(round_id: str, body: Publish, uow: UowDep, idempotency: IdempotencyDep,
            principal: WorkflowDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.publish(uow, round_id, body), status_code=201)


@admin.get("/calendar-schedules", response_model=list[CalendarSchedulePublic], summary="已载入的年度节假日安排")
def list_schedules(principal: PrincipalDep, uow: UowDep) -> list[CalendarSchedulePublic]:
    return calendar.list_schedules(uow)


@admin.post("/admin/calendar-schedules", response_model=CalendarScheduleLoaded, status_code=201,
            summary="(管理员) 载入某年国务院节假日安排及其来源; 期限跨入该年而尚无截止时间的在办待办随即确定办理期限")
def load_schedule(body: YearSchedule, uow: UowDep, idempotency: IdempotencyDep,
                  principal: AdminDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: calendar.load_schedule(uow, principal, body), status_code=201)


@internal.post("/expert-panels", response_model=PanelRef, status_code=201, summary="(workflow) 随机抽取专家评审小组 (记录种子, 回避替补)")
def draw_panel(body: DrawPanel, uow: UowDep, idempotency: IdempotencyDep,
               principal: WorkflowDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: experts.draw(uow, body), status_code=201)


@internal.post("/expert-panels/{case_id}/recommendation", response_model=PanelRef, status_code=201,
               summary="(workflow) 评审小组意见: 是否列入建议名单")
def panel_recommendation(case_id: str, body: PanelRecommendation, uow: UowDep, idempotency: IdempotencyDep,
                         principal: WorkflowDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: experts.recommend(uow, case_id, body), status_code=201)


@admin.get("/admin/expert-pools", response_model=list[PoolPublic], summary="(管理员) 已载入的产业链专家库")
def list_pools(uow: UowDep, principal: PoolReaderDep) -> list[PoolPublic]:
    return experts.list_pools(uow)


@admin.post("/admin/expert-pools", response_model=PoolPublic, status_code=201, summary="(管理员) 载入产业链专家库、小组人数与法定人数",
            openapi_extra=body_limit(8 * MIB))  # up to 1000 experts, each with up to 200 declared conflicts
def load_pool(body: LoadPool, uow: UowDep, idempotency: IdempotencyDep,
              principal: AdminDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: experts.load_pool(uow, principal, body), status_code=201)
