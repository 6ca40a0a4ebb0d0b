"""The clause catalogue, public (no login, rate-limited per client address): what can be applied for,
under which 文号 and clause, in the policy's own words, and the facts an application states."""
from __future__ import annotations

from fastapi import APIRouter

from contracts.api.intake import ClauseDetail, ClausePublic
from infra.errors import ERROR_RESPONSES
from infra.ratelimit import rate_limited
from services.intake.service_layer import clauses as service

router = APIRouter(prefix="/public/clauses", tags=["public"], responses=ERROR_RESPONSES)

LIST_LIMIT = rate_limited("public-clauses", 120)
READ_LIMIT = rate_limited("public-clause", 240)


@router.get("", response_model=list[ClausePublic], summary="(公开, 免登录) 政策条款目录: 文号、条款、原文、申报主体、上限",
            dependencies=[LIST_LIMIT])
def catalogue() -> list[ClausePublic]:
    return service.catalogue_page()


@router.get("/{clause_id}", response_model=ClauseDetail, summary="(公开, 免登录) 条款详情及申报事实 (JSON Schema)",
            dependencies=[READ_LIMIT])
def clause(clause_id: str) -> ClauseDetail:
    return service.clause_detail(clause_id)
