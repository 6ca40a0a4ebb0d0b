"""链主/链核自荐: an enterprise sees the rounds open for nomination, pre-checks its facts against the criteria,
nominates itself with its materials, and follows each candidacy (status, history, 补正)."""
from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from services.portal.entrypoints.forms import UPLOAD_BODY_LIMIT, or_not_found, portal_of, read_form
from services.portal.entrypoints.pages import render
from services.portal.entrypoints.workspaces import EnterpriseDep
from services.portal.service_layer import nominations as service
from services.portal.service_layer.applications import Sent

router = APIRouter(prefix="/enterprise/selection")
FLASH = {"nominated": "自荐已提交，将按注册地报送市工信局（或综改区管委会）遴选推荐。",
         "resubmitted": "补正材料已提交，省链长办将继续完整性核查。"}


def _to_candidacy(candidacy_id: str, flash: str) -> RedirectResponse:
    return RedirectResponse(f"/enterprise/selection/candidacies/{quote(candidacy_id, safe='')}?done={flash}", status_code=303)


@router.get("")
def selection_home(request: Request, user: EnterpriseDep) -> Response:
    rounds, candidacies = service.selection_home(portal_of(request).clients, user)
    return render(request, "enterprise/selection.html", rounds=rounds, candidacies=candidacies, chain_name=service.chain_name)


@router.get("/rounds/{round_id}/nomination")
def nomination_form(request: Request, user: EnterpriseDep, round_id: str) -> Response:
    page = or_not_found(request, lambda: service.nomination_form(portal_of(request).clients, user, round_id),
                        "未找到遴选批次", "该遴选批次不存在，请从“链主链核自荐”进入。")
    if isinstance(page, Response):
        return page
    return render(request, "enterprise/nominate.html", page=page)


@router.post("/rounds/{round_id}/nomination", openapi_extra=UPLOAD_BODY_LIMIT)
async def nominate(request: Request, user: EnterpriseDep, round_id: str) -> Response:
    form, added = await read_form(request)

    def work() -> Response:
        outcome = service.nominate(portal_of(request).clients, user, round_id, form, added)
        if isinstance(outcome, Sent):
            return _to_candidacy(outcome.case_id, "nominated")
        failed = bool(outcome.form.errors or outcome.refusal)
        return render(request, "enterprise/nominate.html", status_code=422 if failed else 200, page=outcome)

    return await run_in_threadpool(work)


@router.get("/candidacies/{candidacy_id}")
def candidacy(request: Request, user: EnterpriseDep, candidacy_id: str, done: str | None = None) -> Response:
    page = or_not_found(request, lambda: service.candidacy_page(portal_of(request).clients, user, candidacy_id),
                        "未找到自荐记录", "该自荐记录不存在或不属于本单位。")
    if isinstance(page, Response):
        return page
    return render(request, "enterprise/candidacy.html", page=page, flash=FLASH.get(done or ""))


@router.post("/candidacies/{candidacy_id}/resubmission", openapi_extra=UPLOAD_BODY_LIMIT)
async def resubmit(request: Request, user: EnterpriseDep, candidacy_id: str) -> Response:
    form, added = await read_form(request)

    def work() -> Response:
        outcome = service.resubmit(portal_of(request).clients, user, candidacy_id, form, added)
        if isinstance(outcome, Sent):
            return _to_candidacy(outcome.case_id, "resubmitted")
        return render(request, "enterprise/candidacy.html", status_code=422, page=outcome, flash=None)

    return await run_in_threadpool(work)
