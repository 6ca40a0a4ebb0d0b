"""领导驾驶舱 (长办发〔2020〕17号 第28条): the leading group's figures for a year, and the month's report as XLSX.
Only the cockpit workspace (leading_group, chief_of_chiefs) opens it; the figures come from the portal's own
projection, which the `cockpit` process feeds from the services' events."""
from __future__ import annotations

import re

from fastapi import APIRouter, FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from infra import exports
from infra.clock import beijing_today, utcnow
from services.portal.domain.charts import bar_chart
from services.portal.entrypoints.forms import portal_of
from services.portal.entrypoints.pages import error_page, render, yuan
from services.portal.entrypoints.workspaces import CockpitDep
from services.portal.service_layer import cockpit as service
from services.portal.service_layer.cockpit import Dashboard, Period
from services.portal.service_layer.cockpit_export import report

router = APIRouter(prefix="/cockpit")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100




def _year(value: str | None) -> int | str:
    """The year asked for, or why it cannot be one (Chinese, for the page)."""
    if value is None or value == "":
        return beijing_today().year
    if not value.isdigit() or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        return f"年度（year）应为 {FIRST_YEAR} 至 {LAST_YEAR} 之间的四位数字，如 {beijing_today().year}"
    return int(value)


def _month(value: str | None) -> Period | str:
    if value is None or value == "":
        today = beijing_today()
        return Period.month(today.year, today.month)
    match = MONTH.match(value)
    if not match or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR or not 1 <= int(match[2]) <= 12:
        return f"月份（month）应写作“年-月”，如 {beijing_today():%Y-%m}"
    return Period.month(int(match[1]), int(match[2]))


def _figures(request: Request, period: Period) -> Dashboard:
    portal = portal_of(request)
    return service.dashboard(portal.runtime.db, portal.calendar.current(), utcnow(), period)


def _charts(board: Dashboard) -> dict:
    money = board.money
    return {
        "status": bar_chart("chart-status", "申报状态", [(c.label, c.count, f"{c.count}件") for c in board.by_status]),
        "clause": bar_chart("chart-clause", "按条款", [(c.label, c.count, f"{c.count}件") for c in board.by_clause]),
        "region": bar_chart("chart-region", "按地区", [(c.label, c.count, f"{c.count}件") for c in board.by_region]),
        "money": bar_chart("chart-money", "资金执行", [
            ("预算", money.budget_fen, yuan(money.budget_fen)), ("核定", money.determined_fen, yuan(money.determined_fen)),
            ("审批", money.approved_fen, yuan(money.approved_fen)), ("拨付", money.paid_fen, yuan(money.paid_fen))],
            tones=["muted", "primary", "primary", "success"]),
        "steps": bar_chart("chart-steps", "办理时长中位数（工作日）", [
            (f"{row.label}·{row.department}", round((row.figures.median_days or 0) * 10),
             "—" if row.figures.median_days is None else f"{row.figures.median_days:g}个工作日") for row in board.steps]),
        "funnel": bar_chart("chart-funnel", "遴选漏斗", [(s.label, s.count, f"{s.count}家") for s in board.funnel]),
    }


@router.get("")
async def cockpit(request: Request, user: CockpitDep, year: str | None = None) -> Response:
    chosen = _year(year)
    if isinstance(chosen, str):
        return render(request, "cockpit/index.html", status_code=422, board=None, year_error=chosen, year_value=year,
                      month_value=f"{beijing_today():%Y-%m}")
    board = await run_in_threadpool(_figures, request, Period.year(chosen))
    return render(request, "cockpit/index.html", board=board, charts=_charts(board), year_value=str(chosen),
                  month_value=f"{beijing_today():%Y-%m}" if chosen == beijing_today().year else f"{chosen}-12")


@router.get("/report.xlsx")
async def monthly_report(request: Request, user: CockpitDep, month: str | None = None) -> Response:
    period = _month(month)
    if isinstance(period, str):
        return error_page(request, 422, "月份有误", period)
    board = await run_in_threadpool(_figures, request, period)
    return exports.workbook_attachment(report(board), f"cockpit-{period.first:%Y-%m}")


def install(app: FastAPI) -> None:
    """The cockpit's router (the refusal page for other workspaces is workspaces.WorkspaceRefused's)."""
    app.include_router(router)
