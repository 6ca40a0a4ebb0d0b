"""The officials' and experts' pages: 待办 inbox, a case page with its materials, and the decision."""
from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from services.portal.adapters.services import ServiceRefused
from services.portal.entrypoints.forms import or_not_found, portal_of
from services.portal.entrypoints.pages import error_page, render
from services.portal.entrypoints.workspaces import OfficialDep
from services.portal.service_layer import officials as service
from services.portal.service_layer.applications import Sent

router = APIRouter(prefix="/officials")
NOT_FOUND = ("未找到待办", "该待办不存在或不属于您的单位。")


@router.get("/tasks")
def inbox(request: Request, user: OfficialDep, status: str = "open", overdue: str = "", page: int = 1) -> Response:
    portal = portal_of(request)
    found = service.inbox(portal.clients, user, portal.calendar, status=status, overdue=overdue, page=page)
    return render(request, "officials/inbox.html", inbox=found, statuses=service.STATUS_FILTERS,
                  overdues=service.OVERDUE_FILTERS, department=service.organisation_zh)


@router.get("/tasks/{task_id}")
def case(request: Request, user: OfficialDep, task_id: str, done: str | None = None) -> Response:
    portal = portal_of(request)
    page = or_not_found(request, lambda: service.case_page(portal.clients, user, portal.calendar, task_id), *NOT_FOUND)
    if isinstance(page, Response):
        return page
    return render(request, "officials/case.html", page=page, flash=done == "decided")


@router.post("/tasks/{task_id}/decision")
async def decide(request: Request, user: OfficialDep, task_id: str) -> Response:
    form = await request.form()
    portal = portal_of(request)

    def work() -> Response:
        outcome = or_not_found(request, lambda: service.decide(portal.clients, user, portal.calendar, task_id, form), *NOT_FOUND)
        if isinstance(outcome, Sent):
            return RedirectResponse(f"/officials/tasks/{quote(task_id, safe='')}?done=decided", status_code=303)
        if isinstance(outcome, Response):
            return outcome
        return render(request, "officials/case.html", status_code=outcome.form.refused_status, page=outcome, flash=False)

    return await run_in_threadpool(work)


@router.get("/tasks/{task_id}/materials/{file_id}")
def material(request: Request, user: OfficialDep, task_id: str, file_id: str) -> Response:
    try:
        content, media_type, disposition = service.material(portal_of(request).clients, user, task_id, file_id)
    except (ServiceRefused, LookupError):
        return error_page(request, 404, "未找到材料", "该材料不存在或不在您的权限范围内。")
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})
