"""Development zone committees as award recipients (admin-loaded organisation data)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from contracts.api.intake import RegisterZoneCommittee, ZoneCommitteePublic
from infra.auth import AdminDep, Principal, roles_allowed
from infra.errors import ERROR_RESPONSES
from infra.idempotency import IdempotencyDep
from infra.web import UowDep
from services.intake.service_layer import award_opening as service

AdminOrAuditorDep = Annotated[Principal, Depends(roles_allowed("admin", "auditor"))]

router = APIRouter(prefix="/admin/zone-committees", tags=["admin"], responses=ERROR_RESPONSES)


@router.post("", response_model=ZoneCommitteePublic, status_code=201,
             summary="登记开发区管委会 (培育奖励的受奖单位); 登记后发起等待中的培育奖励")
def register(body: RegisterZoneCommittee, uow: UowDep, idempotency: IdempotencyDep,
             principal: AdminDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.register_zone_committee(uow, principal, body), status_code=201)


@router.get("", response_model=list[ZoneCommitteePublic], summary="已登记的开发区管委会")
def listing(uow: UowDep, principal: AdminOrAuditorDep) -> list[ZoneCommitteePublic]:
    return service.list_zone_committees(uow)
