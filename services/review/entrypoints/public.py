"""review's login-free reference routes (each rate-limited per client address): the award calculator
on the tier tables review determines with, and the year schedules review counts working days on."""
from __future__ import annotations

from fastapi import APIRouter

from contracts.api.review import Calculate
from contracts.common import DeterminationRef
from infra.errors import ERROR_RESPONSES
from infra.ratelimit import rate_limited
from infra.web import PublicUowDep
from policies.calendar import YearSchedule
from services.review.service_layer import calendar, tier_tables
from services.review.service_layer.determination import calculate_publicly

router = APIRouter(prefix="/public", tags=["public"], responses=ERROR_RESPONSES)

CALCULATION_LIMIT = rate_limited("public-calculations", 60)
SCHEDULE_LIMIT = rate_limited("public-calendar-schedules", 120)


@router.post("/calculations", response_model=DeterminationRef, summary="(公开, 免登录) 政策计算器: 按条款和申报事实试算金额",
             description="返回金额、计算步骤、文号条款和起作用的上限; 不记录任何数据。以往已获奖励不在此计入, 以审核部门核定为准。",
             dependencies=[CALCULATION_LIMIT])
def calculate(body: Calculate, uow: PublicUowDep) -> DeterminationRef:
    return calculate_publicly(body, tier_tables.current(uow))


@router.get("/calendar-schedules", response_model=list[YearSchedule], summary="(公开, 免登录) 已载入的年度节假日安排 (含日期与来源)",
            dependencies=[SCHEDULE_LIMIT])
def calendar_schedules(uow: PublicUowDep) -> list[YearSchedule]:
    return calendar.loaded_schedules(uow)
