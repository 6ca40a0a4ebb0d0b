"""The province chain office's pages: selection rounds (open one, follow its candidacies) and objections."""
from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from services.portal.adapters import selection
from services.portal.domain.directory import DirectoryEntry
from services.portal.entrypoints.forms import or_not_found, portal_of
from services.portal.entrypoints.pages import render
from services.portal.entrypoints.workspaces import ChainOfficeDep
from services.portal.service_layer import chain_office as service
from services.portal.service_layer.applications import Sent

router = APIRouter(prefix="/chain-office")


def _rounds(request: Request, user: DirectoryEntry, form: service.RoundForm, status_code: int = 200) -> Response:
    return render(request, "officials/rounds.html", status_code=status_code, form=form,
                  rounds=selection.rounds(portal_of(request).clients, user), kinds=service.KINDS, routes=service.ROUTES,
                  chains=service.chains())


@router.get("/rounds")
def rounds(request: Request, user: ChainOfficeDep) -> Response:
    return _rounds(request, user, service.RoundForm({"publicity_working_days": "7", "approval_route": "leading_group"}))


@router.post("/rounds")
async def open_round(request: Request, user: ChainOfficeDep) -> Response:
    form = await request.form()

    def work() -> Response:
        outcome = service.open_round(portal_of(request).clients, user, form)
        if isinstance(outcome, Sent):
            return RedirectResponse(f"/chain-office/rounds/{quote(outcome.case_id, safe='')}?done=opened", status_code=303)
        return _rounds(request, user, outcome, status_code=422)

    return await run_in_threadpool(work)


@router.get("/rounds/{round_id}")
def round_page(request: Request, user: ChainOfficeDep, round_id: str, done: str | None = None) -> Response:
    page = or_not_found(request, lambda: service.round_page(portal_of(request).clients, user, round_id),
                        "未找到遴选批次", "该遴选批次不存在。")
    if isinstance(page, Response):
        return page
    return render(request, "officials/round.html", page=page, kinds=service.KINDS, flash=done == "opened")


def _objections(request: Request, user: DirectoryEntry, status: str, failed: service.Verification | None = None,
                flash: bool = False) -> Response:
    rows = service.objections(portal_of(request).clients, user, status or None)
    return render(request, "officials/objections.html", status_code=422 if failed else 200, objections=rows,
                  status=status, failed=failed, flash=flash)


@router.get("/objections")
def objections(request: Request, user: ChainOfficeDep, status: str = "", done: str | None = None) -> Response:
    return _objections(request, user, status, flash=done == "verified")


@router.post("/objections/{objection_id}/verification")
async def verify(request: Request, user: ChainOfficeDep, objection_id: str) -> Response:
    form = await request.form()

    def work() -> Response:
        outcome = service.verify(portal_of(request).clients, user, objection_id, form)
        if isinstance(outcome, Sent):
            return RedirectResponse("/chain-office/objections?done=verified", status_code=303)
        return _objections(request, user, "", failed=outcome)

    return await run_in_threadpool(work)
