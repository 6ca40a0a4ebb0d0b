"""链主/链核 criteria for a nomination: its facts schema and the pre-check, before anything is submitted."""
from __future__ import annotations

from fastapi import APIRouter

from contracts.api.intake import CriteriaCheck, CriteriaForm
from contracts.events.selection import SelectionKind
from infra.auth import PrincipalDep
from infra.errors import ERROR_RESPONSES
from policies.criteria import CriteriaResult
from services.intake.service_layer import criteria_checks as service

router = APIRouter(prefix="/selection/criteria", tags=["selection"], responses=ERROR_RESPONSES)


@router.get("/{kind}", response_model=CriteriaForm, summary="链主/链核自荐申报事实 (JSON Schema)")
def criteria_form(kind: SelectionKind, principal: PrincipalDep) -> CriteriaForm:
    return service.criteria_form(kind)


@router.post("/{kind}/checks", response_model=CriteriaResult, summary="条件预审: 按10.1/10.2逐项判定 (不记录, 不替代遴选程序)")
def check(kind: SelectionKind, body: CriteriaCheck, principal: PrincipalDep) -> CriteriaResult:
    return service.check(kind, principal.organisation, body)
