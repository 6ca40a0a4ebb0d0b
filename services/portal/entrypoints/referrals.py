"""引荐项目: a 链主 registers the projects it brought in (以商招商, 9.2.1), reports their investment and
production, and sees the award fixed for each."""
from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from services.portal.domain.directory import DirectoryEntry
from services.portal.entrypoints.forms import or_not_found, portal_of
from services.portal.entrypoints.pages import render
from services.portal.entrypoints.workspaces import EnterpriseDep
from services.portal.service_layer import referrals as service
from services.portal.service_layer.applications import Sent
from services.portal.service_layer.referrals import Form

router = APIRouter(prefix="/enterprise/referrals")
FLASH = {"registered": "引荐项目已登记。请在项目投资、投产后报送进度。", "reported": "投资进度已报送，审核部门将据此核定奖励。"}


def _to_project(project_id: str, flash: str) -> RedirectResponse:
    return RedirectResponse(f"/enterprise/referrals/{quote(project_id, safe='')}?done={flash}", status_code=303)


def _list(request: Request, user: DirectoryEntry, form: Form, status_code: int = 200, flash: str | None = None) -> Response:
    projects = service.my_projects(portal_of(request).clients, user)
    return render(request, "enterprise/referrals.html", status_code=status_code, projects=projects, form=form,
                  chains=service.chains(), flash=flash)


@router.get("")
def referrals(request: Request, user: EnterpriseDep) -> Response:
    return _list(request, user, Form())


@router.post("")
async def register(request: Request, user: EnterpriseDep) -> Response:
    form = await request.form()

    def work() -> Response:
        outcome = service.register(portal_of(request).clients, user, form)
        if isinstance(outcome, Sent):
            return _to_project(outcome.case_id, "registered")
        return _list(request, user, outcome, status_code=422)

    return await run_in_threadpool(work)


@router.get("/{project_id}")
def project(request: Request, user: EnterpriseDep, project_id: str, done: str | None = None) -> Response:
    page = or_not_found(request, lambda: service.project_page(portal_of(request).clients, user, project_id),
                        "未找到引荐项目", "该项目不存在或不属于本单位。")
    if isinstance(page, Response):
        return page
    return render(request, "enterprise/referral.html", page=page, flash=FLASH.get(done or ""))


@router.post("/{project_id}/progress")
async def report(request: Request, user: EnterpriseDep, project_id: str) -> Response:
    form = await request.form()

    def work() -> Response:
        outcome = service.report_progress(portal_of(request).clients, user, project_id, form)
        if isinstance(outcome, Sent):
            return _to_project(outcome.case_id, "reported")
        return render(request, "enterprise/referral.html", status_code=422, page=outcome, flash=None)

    return await run_in_threadpool(work)
