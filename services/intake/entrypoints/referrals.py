"""以商招商 referral projects (晋工信新材料规字〔2024〕1号 9.2.1): registration and progress reports."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from contracts.api.intake import (
    ProgressPublic,
    ReferralProjectPublic,
    RegisterReferral,
    ReportProgress,
    ReportRequest,
    TimelineEntryPublic,
)
from infra.auth import EnterpriseDep, PrincipalDep, WorkflowDep
from infra.errors import ERROR_RESPONSES
from infra.idempotency import IdempotencyDep
from infra.web import UowDep
from services.intake.service_layer import referrals as service
from services.intake.service_layer.applications import case_timeline

router = APIRouter(prefix="/referral-projects", tags=["referral-projects"], responses=ERROR_RESPONSES)
internal = APIRouter(prefix="/internal/referral-projects", tags=["internal"], responses=ERROR_RESPONSES)


@router.post("", response_model=ReferralProjectPublic, status_code=201, summary="链主登记引荐项目 (同一项目仅一个引荐单位)")
def register(body: RegisterReferral, uow: UowDep, idempotency: IdempotencyDep,
             principal: EnterpriseDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.register(uow, principal, body), status_code=201)


@router.get("", response_model=list[ReferralProjectPublic], summary="引荐项目列表")
def list_projects(principal: PrincipalDep, uow: UowDep, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                  offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[ReferralProjectPublic]:
    return service.listing(uow, principal, limit=limit, offset=offset)


@router.get("/{project_id}", response_model=ReferralProjectPublic, summary="引荐项目详情及进度")
def get_project(project_id: str, principal: PrincipalDep, uow: UowDep) -> ReferralProjectPublic:
    return service.public(uow, service.get(uow, principal, project_id))


@router.get("/{project_id}/timeline", response_model=list[TimelineEntryPublic], summary="引荐项目办理记录")
def get_timeline(project_id: str, principal: PrincipalDep, uow: UowDep) -> list[TimelineEntryPublic]:
    service.get(uow, principal, project_id)
    return case_timeline(uow, principal, project_id)


@router.post("/{project_id}/progress", response_model=ProgressPublic, status_code=201, summary="引荐单位报送投资进度与投产情况")
def report_progress(project_id: str, body: ReportProgress, uow: UowDep, idempotency: IdempotencyDep,
                    principal: EnterpriseDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.report_progress(uow, principal, project_id, body), status_code=201)


@internal.post("/{project_id}/report-requests", response_model=ReferralProjectPublic, status_code=201,
               summary="(workflow) 年度提醒报送投资进度")
def request_report(project_id: str, body: ReportRequest, uow: UowDep, idempotency: IdempotencyDep,
                   principal: WorkflowDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.request_report(uow, project_id, body.reason), status_code=201)
