"""公示 pages, open to everyone without sign-in: stable, printable URLs and the objection form."""
from __future__ import annotations

import uuid
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from services.portal.adapters.review import ObjectionReceipt
from services.portal.adapters.services import ServiceRefused
from services.portal.entrypoints.pages import error_page, render
from services.portal.entrypoints.security import session_of
from services.portal.service_layer import publicities

router = APIRouter(prefix="/public")
RECEIPT = "objection_receipt"  # session key: the last receipt, shown once after the redirect


def _visitor(request: Request) -> str | None:
    return request.client.host if request.client else None


def _page(request: Request, round_id: str) -> publicities.PublicityView | Response:
    portal = request.app.state.portal
    try:
        return publicities.detail_page(portal.clients, _visitor(request), round_id, portal.calendar)
    except ServiceRefused as refused:
        if refused.status_code == 404:
            return error_page(request, 404, "未找到公示", "该公示不存在或尚未开始，请从公示公告列表进入。")
        raise


@router.get("/publicities")
def list_publicities(request: Request) -> Response:
    portal = request.app.state.portal
    return render(request, "public/publicities.html",
                  views=publicities.list_page(portal.clients, _visitor(request), portal.calendar))


@router.get("/publicities/{round_id}")
def show_publicity(request: Request, round_id: str) -> Response:
    page = _page(request, round_id)
    if isinstance(page, Response):
        return page
    return render(request, "public/publicity.html", page=page, form=None, refusal=None, submission_id=uuid.uuid4().hex)


@router.post("/publicities/{round_id}/objections")
async def lodge_objection(request: Request, round_id: str) -> Response:
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}

    def work() -> Response:
        page = _page(request, round_id)
        if isinstance(page, Response):
            return page
        lodged = publicities.lodge(request.app.state.portal.clients, _visitor(request), page, form)
        if lodged.receipt is not None:
            session_of(request).data[RECEIPT] = lodged.receipt.model_dump(mode="json")
            return RedirectResponse(f"/public/publicities/{quote(round_id, safe='')}/receipt", status_code=303)
        status = 409 if lodged.refusal else 422
        return render(request, "public/publicity.html", status_code=status, page=page, form=lodged.form,
                      refusal=lodged.refusal, submission_id=form.get("submission_id") or uuid.uuid4().hex)

    return await run_in_threadpool(work)


@router.get("/publicities/{round_id}/receipt")
def receipt(request: Request, round_id: str) -> Response:
    shown = session_of(request).data.pop(RECEIPT, None)
    if not shown or shown.get("round_id") != round_id:
        return RedirectResponse(f"/public/publicities/{quote(round_id, safe='')}", status_code=303)
    page = _page(request, round_id)
    if isinstance(page, Response):
        return page
    lodged = ObjectionReceipt.model_validate(shown)
    enterprise = next((e.enterprise_name for e in page.publicity.entries if e.candidacy_id == lodged.candidacy_id), "")
    return render(request, "public/receipt.html", page=page, receipt=lodged, enterprise=enterprise)
