"""链主/链核遴选 at intake (晋政办发〔2023〕44号, seed 004 §10.3): rounds, self-nominations, 补正."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from contracts.api.intake import (
    CandidacyPublic,
    ListPublic,
    Nominate,
    OpenRound,
    Resubmit,
    RoundPublic,
    SubmitList,
    TimelineEntryPublic,
)
from infra import exports
from infra.auth import ChainOfficeDep, EnterpriseDep, Principal, PrincipalDep, roles_allowed
from infra.body_limits import body_limit
from infra.errors import ERROR_RESPONSES
from infra.idempotency import IdempotencyDep
from infra.web import UowDep
from services.intake.service_layer import materials
from services.intake.service_layer import selection as service
from services.intake.service_layer import selection_views as views
from services.intake.service_layer.applications import case_timeline
from services.intake.service_layer.selection_export import candidacy_table

ZoneOfficeDep = Annotated[Principal, Depends(roles_allowed("city_industry_bureau", "reform_zone_committee"))]

router = APIRouter(prefix="/selection", tags=["selection"], responses=ERROR_RESPONSES)


@router.post("/rounds", response_model=RoundPublic, status_code=201, summary="(省链长办) 开启链主/链核遴选批次")
def open_round(body: OpenRound, uow: UowDep, idempotency: IdempotencyDep,
               principal: ChainOfficeDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.open_round(uow, principal, body), status_code=201)


@router.get("/rounds", response_model=list[RoundPublic], summary="遴选批次列表")
def list_rounds(principal: PrincipalDep, uow: UowDep, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[RoundPublic]:
    return views.list_rounds(uow, limit=limit, offset=offset)


@router.get("/rounds/{round_id}", response_model=RoundPublic, summary="遴选批次详情")
def get_round(round_id: str, principal: PrincipalDep, uow: UowDep) -> RoundPublic:
    return views.round_public(views.get_round(uow, round_id))


@router.get("/rounds/{round_id}/candidacy-list", response_class=Response, summary="导出遴选汇总表 (XLSX/CSV, 按本单位权限)",
            responses=exports.responses("中文表头: 企业、产业链、条件预审、办理状态、承办单位、时间(北京时间); 末行合计家数"))
def export_candidacies(round_id: str, principal: PrincipalDep, uow: UowDep,
                       format: Annotated[exports.ExportFormat, Query(description="xlsx 或 csv (UTF-8 BOM)")] = "xlsx") -> Response:
    return exports.attachment(candidacy_table(uow, principal, round_id), format, f"candidacies-{round_id}")


@router.post("/rounds/{round_id}/nominations", response_model=CandidacyPublic, status_code=201,
             summary="企业自荐 (自主参与): 按注册地报送设区市工信局或综改区管委会",
             openapi_extra=body_limit(materials.BODY_BYTES))
def nominate(round_id: str, body: Nominate, uow: UowDep, idempotency: IdempotencyDep,
             principal: EnterpriseDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.nominate(uow, principal, round_id, body), status_code=201)


@router.get("/candidacies", response_model=list[CandidacyPublic], summary="自荐企业列表 (按本单位权限)")
def list_candidacies(principal: PrincipalDep, uow: UowDep, round_id: str | None = None, status: str | None = None,
                     limit: Annotated[int, Query(ge=1, le=500)] = 100,
                     offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[CandidacyPublic]:
    return views.list_candidacies(uow, principal, round_id=round_id, status=status, limit=limit, offset=offset)


@router.get("/candidacies/{candidacy_id}", response_model=CandidacyPublic, summary="自荐详情 (含条件预审)")
def get_candidacy(candidacy_id: str, principal: PrincipalDep, uow: UowDep) -> CandidacyPublic:
    return views.public(uow, views.get_candidacy(uow, principal, candidacy_id))


@router.get("/candidacies/{candidacy_id}/materials/{file_id}", response_class=Response, summary="下载自荐材料 (按本单位权限)",
            responses={200: {"content": {"application/pdf": {}, "image/png": {}, "image/jpeg": {}}}})
def download_material(candidacy_id: str, file_id: str, principal: PrincipalDep, uow: UowDep) -> Response:
    return materials.download(views.material(uow, principal, candidacy_id, file_id))


@router.get("/candidacies/{candidacy_id}/timeline", response_model=list[TimelineEntryPublic], summary="遴选办理记录")
def get_timeline(candidacy_id: str, principal: PrincipalDep, uow: UowDep) -> list[TimelineEntryPublic]:
    views.get_candidacy(uow, principal, candidacy_id)
    return case_timeline(uow, principal, candidacy_id)


@router.post("/candidacies/{candidacy_id}/resubmission", response_model=CandidacyPublic, status_code=201,
             summary="企业提交补正材料", openapi_extra=body_limit(materials.BODY_BYTES))
def resubmit(candidacy_id: str, body: Resubmit, uow: UowDep, idempotency: IdempotencyDep,
             principal: EnterpriseDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.resubmit(uow, principal, candidacy_id, body), status_code=201)


@router.post("/rounds/{round_id}/recommendation-lists", response_model=ListPublic, status_code=201,
             summary="(设区市工信局/综改区管委会) 报送推荐名单至省链长办, 抄送链长牵头单位")
def submit_list(round_id: str, body: SubmitList, uow: UowDep, idempotency: IdempotencyDep,
                principal: ZoneOfficeDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.submit_list(uow, principal, round_id, body), status_code=201)
