"""The finance bureau's pages: stages by status and one stage with its actions, the bank batch and the stage
register as files, 预算执行, a recipient's history, budgets and cost shares. Only the finance workspace
(市财政局, 县财政, 审计) uses them; auditors read, the bureaus act."""
from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from services.portal.adapters import finance as payout
from services.portal.adapters.services import ServiceClients
from services.portal.domain.directory import DirectoryEntry
from services.portal.entrypoints.forms import or_not_found, portal_of
from services.portal.entrypoints.pages import error_page, render
from services.portal.entrypoints.workspaces import FinanceDep
from services.portal.service_layer import finance_stages as stages
from services.portal.service_layer import finance_views as views

T = TypeVar("T")

router = APIRouter(prefix="/finance")
FileFormat = Literal["xlsx", "csv"]
LOADED = {"budget": "年度预算已载入。", "share": "市县分担比例已载入。"}




def install(app: FastAPI) -> None:
    """The finance router (the refusal page for other workspaces is workspaces.WorkspaceRefused's)."""
    app.include_router(router)


def _not_found(request: Request, make: Callable[[], T]) -> T | Response:
    return or_not_found(request, make, "未找到拨付分期", "该拨付分期不存在或不在本单位的权限范围内。")


@router.get("/stages")
def stage_list(request: Request, user: FinanceDep, status: str | None = None) -> Response:
    page = stages.stage_list(portal_of(request).clients, user, status)
    return render(request, "finance/stages.html", page=page, may_act=user.role in stages.ACTING_ROLES)


@router.get("/stages/{stage_id}")
def stage(request: Request, user: FinanceDep, stage_id: str, done: str | None = None) -> Response:
    page = _not_found(request, lambda: stages.stage_page(portal_of(request).clients, user, stage_id))
    if isinstance(page, Response):
        return page
    return render(request, "finance/stage.html", page=page, flash=stages.done_message(done))


@router.post("/stages/{stage_id}/{action}")
async def act(request: Request, user: FinanceDep, stage_id: str, action: str) -> Response:
    if action not in stages.ACTIONS:
        return error_page(request, 404, "页面不存在", "没有这项操作。")
    form = await request.form()

    def work() -> Response:
        outcome = _not_found(request, lambda: stages.act(portal_of(request).clients, user, stage_id, action, form))
        if isinstance(outcome, Response):
            return outcome
        if isinstance(outcome, stages.Done):
            return RedirectResponse(f"/finance/stages/{quote(stage_id, safe='')}?done={action}", status_code=303)
        return render(request, "finance/stage.html", status_code=403 if outcome.refusal == stages.FOUR_EYES else 422,
                      page=outcome, flash=None)

    return await run_in_threadpool(work)


def _file(request: Request, user: DirectoryEntry, what: str, params: dict) -> Response:
    content, headers = payout.download(portal_of(request).clients, user, what, params)
    return Response(content, headers=headers)


@router.get("/bank-batch")
def bank_batch(request: Request, user: FinanceDep, format: FileFormat = "xlsx") -> Response:
    return _file(request, user, "bank-batch", {"format": format})


@router.get("/stage-register")
def stage_register_file(request: Request, user: FinanceDep, format: FileFormat = "xlsx", year: str | None = None,
                        status: str | None = None) -> Response:
    return _file(request, user, "stage-register", {"format": format, "year": views.year_of(year),
                                                   "status": status if status in dict(stages.TABS) else None})


@router.get("/register")
def register(request: Request, user: FinanceDep, year: str | None = None, status: str | None = None) -> Response:
    page = views.register_page(portal_of(request).clients, user, views.year_of(year), status)
    return render(request, "finance/register.html", page=page)


@router.get("/budget-execution")
def budget_execution(request: Request, user: FinanceDep, year: str | None = None) -> Response:
    page = views.execution_page(portal_of(request).clients, user, views.year_of(year))
    return render(request, "finance/execution.html", page=page)


@router.get("/recipients")
def recipients(request: Request, user: FinanceDep, uscc: Annotated[str | None, Query(max_length=32)] = None) -> Response:
    if uscc and uscc.strip():
        return RedirectResponse(f"/finance/recipients/{quote(uscc.strip().upper(), safe='')}", status_code=303)
    return render(request, "finance/recipients.html", error="请填写统一社会信用代码" if uscc is not None else None)


@router.get("/recipients/{uscc}")
def recipient(request: Request, user: FinanceDep, uscc: str) -> Response:
    page = or_not_found(request, lambda: views.recipient_page(portal_of(request).clients, user, uscc),
                        "无拨付记录", "该收款单位在本单位权限范围内没有拨付记录。")
    if isinstance(page, Response):
        return page
    return render(request, "finance/recipient.html", page=page)


@router.get("/budgets")
def budgets(request: Request, user: FinanceDep, year: str | None = None, done: str | None = None) -> Response:
    page = views.budgets_page(portal_of(request).clients, user, views.year_of(year))
    return render(request, "finance/budgets.html", page=page, flash=LOADED.get(done or ""))


async def _load(request: Request, user: DirectoryEntry,
                load: Callable[[ServiceClients, DirectoryEntry, Any], views.BudgetsPage | views.Loaded]) -> Response:
    form = await request.form()

    def work() -> Response:
        outcome = load(portal_of(request).clients, user, form)
        if isinstance(outcome, views.Loaded):
            return RedirectResponse(f"/finance/budgets?year={outcome.year}&done={outcome.what}", status_code=303)
        return render(request, "finance/budgets.html", status_code=422, page=outcome, flash=None)

    return await run_in_threadpool(work)


@router.post("/budgets")
async def load_budget(request: Request, user: FinanceDep) -> Response:
    return await _load(request, user, views.load_budget)


@router.post("/cost-shares")
async def load_cost_share(request: Request, user: FinanceDep) -> Response:
    return await _load(request, user, views.load_cost_share)
