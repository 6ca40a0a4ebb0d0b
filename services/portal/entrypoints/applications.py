"""我的申报: an enterprise applies (form from the clause's facts schema, 试算, 草稿, one application however
often the form is sent), follows each case (status, department, working days left, history), answers a
补正, and sees the amount fixed and the payments made."""
from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from services.portal.entrypoints.forms import UPLOAD_BODY_LIMIT, or_not_found, portal_of, read_form, visitor
from services.portal.entrypoints.pages import error_page, render
from services.portal.entrypoints.workspaces import EnterpriseDep
from services.portal.service_layer import applications as service
from services.portal.service_layer.applications import Saved, Sent

router = APIRouter(prefix="/enterprise")
FLASH = {"saved": "草稿已保存。附件随草稿保存，可随时继续填写。", "deleted": "草稿已删除。",
         "submitted": "申请已提交，受理部门将按顺序办理。", "answered": "补正材料已提交，原办理部门将继续办理。"}


def _to_application(application_id: str, flash: str | None = None) -> RedirectResponse:
    suffix = f"?done={flash}" if flash else ""
    return RedirectResponse(f"/enterprise/applications/{quote(application_id, safe='')}{suffix}", status_code=303)


@router.get("/applications")
def my_applications(request: Request, user: EnterpriseDep, done: str | None = None) -> Response:
    portal = portal_of(request)
    rows = service.my_applications(portal.clients, visitor(request), user, portal.calendar)
    drafts = service.my_drafts(portal.clients, visitor(request), portal.drafts, user)
    return render(request, "enterprise/applications.html", rows=rows, drafts=drafts, flash=FLASH.get(done or ""))


@router.get("/applications/new")
def new_application(request: Request, user: EnterpriseDep, clause_id: str | None = None) -> Response:
    if not clause_id:
        return RedirectResponse("/policies", status_code=303)
    page = or_not_found(request, lambda: service.blank_form(portal_of(request).clients, visitor(request), clause_id),
                        "未找到条款", "该条款不在政策目录中，请从政策目录选择要申报的条款。")
    if isinstance(page, Response):
        return page
    return render(request, "enterprise/apply.html", page=page)


@router.post("/applications/new", openapi_extra=UPLOAD_BODY_LIMIT)
async def apply(request: Request, user: EnterpriseDep) -> Response:
    form, added = await read_form(request)

    def work() -> Response:
        portal = portal_of(request)
        outcome = service.act(portal.clients, visitor(request), portal.drafts, user, str(form.get("clause_id") or ""),
                              form, added)
        if isinstance(outcome, Sent):
            return _to_application(outcome.case_id, "submitted")
        if isinstance(outcome, Saved):
            return RedirectResponse("/enterprise/applications?done=saved", status_code=303)
        invalid = outcome.form.errors or (outcome.refusal and not outcome.preview)
        return render(request, "enterprise/apply.html", status_code=422 if invalid else 200, page=outcome)

    return await run_in_threadpool(work)


@router.get("/drafts/{draft_id}")
def open_draft(request: Request, user: EnterpriseDep, draft_id: str) -> Response:
    portal = portal_of(request)
    page = service.draft_form(portal.clients, visitor(request), portal.drafts, user, draft_id)
    if page is None:
        return error_page(request, 404, "未找到草稿", "该草稿不存在或已删除。")
    if isinstance(page, Sent):
        return _to_application(page.case_id)
    return render(request, "enterprise/apply.html", page=page)


@router.post("/drafts/{draft_id}/deletion")
def delete_draft(request: Request, user: EnterpriseDep, draft_id: str) -> Response:
    portal_of(request).drafts.delete(user.organisation, draft_id)
    return RedirectResponse("/enterprise/applications?done=deleted", status_code=303)


@router.get("/applications/{application_id}")
def application(request: Request, user: EnterpriseDep, application_id: str, done: str | None = None) -> Response:
    portal = portal_of(request)
    page = or_not_found(request, lambda: service.application_page(portal.clients, visitor(request), user, portal.calendar,
                                                                  application_id),
                        "未找到申请", "该申请不存在或不属于本单位，请从“我的申报”进入。")
    if isinstance(page, Response):
        return page
    return render(request, "enterprise/application.html", page=page, flash=FLASH.get(done or ""))


@router.post("/applications/{application_id}/supplements", openapi_extra=UPLOAD_BODY_LIMIT)
async def answer_supplement(request: Request, user: EnterpriseDep, application_id: str) -> Response:
    form, added = await read_form(request)

    def work() -> Response:
        portal = portal_of(request)
        outcome = service.answer_supplement(portal.clients, visitor(request), user, portal.calendar, application_id,
                                            form, added)
        if isinstance(outcome, Sent):
            return _to_application(outcome.case_id, "answered")
        return render(request, "enterprise/application.html", status_code=422, page=outcome, flash=None)

    return await run_in_threadpool(work)
