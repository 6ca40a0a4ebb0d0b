"""intake's HTTP API: applicants submit; everyone in scope reads status and timeline."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from contracts.api.intake import ApplicationPublic, ApplicationStatus, ResubmitApplication, SubmitApplication, TimelineEntryPublic
from infra.auth import PrincipalDep
from infra.body_limits import body_limit
from infra.errors import ERROR_RESPONSES
from infra.idempotency import IdempotencyDep
from infra.web import UowDep
from services.intake.service_layer import applications as service
from services.intake.service_layer import materials

router = APIRouter(prefix="/applications", tags=["applications"], responses=ERROR_RESPONSES)


@router.post("", status_code=201, response_model=ApplicationPublic, summary="提交申请 (可附材料)",
             openapi_extra=body_limit(materials.BODY_BYTES))
def submit(body: SubmitApplication, principal: PrincipalDep, uow: UowDep, idempotency: IdempotencyDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.submit_application(uow, principal, body), status_code=201)


@router.get("", response_model=list[ApplicationPublic], summary="申请列表 (仅本人/本辖区)")
def list_applications(
    principal: PrincipalDep,
    uow: UowDep,
    status: ApplicationStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[ApplicationPublic]:
    return service.list_applications(uow, principal, status=status, limit=limit, offset=offset)


@router.get("/{application_id}", response_model=ApplicationPublic, summary="申请状态")
def get_application(application_id: str, principal: PrincipalDep, uow: UowDep) -> ApplicationPublic:
    return service.detail(uow, service.get_application(uow, principal, application_id))


@router.get("/{application_id}/timeline", response_model=list[TimelineEntryPublic], summary="办理记录")
def get_timeline(application_id: str, principal: PrincipalDep, uow: UowDep) -> list[TimelineEntryPublic]:
    return service.timeline(uow, principal, application_id)


@router.get("/{application_id}/materials/{file_id}", response_class=Response, summary="下载申请材料 (申请人及办理部门)",
            responses={200: {"content": {"application/pdf": {}, "image/png": {}, "image/jpeg": {}}}})
def download_material(application_id: str, file_id: str, principal: PrincipalDep, uow: UowDep) -> Response:
    return materials.download(service.material(uow, principal, application_id, file_id))


@router.post("/{application_id}/supplements", status_code=201, response_model=ApplicationPublic,
             summary="提交补正材料 (审核部门要求补正后)", openapi_extra=body_limit(materials.BODY_BYTES))
def resubmit(application_id: str, body: ResubmitApplication, principal: PrincipalDep, uow: UowDep,
             idempotency: IdempotencyDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.resubmit(uow, principal, application_id, body), status_code=201)
