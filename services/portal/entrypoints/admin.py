"""The admin's pages: review's reference data (专家库, 节假日安排, 分档表 with a preview before loading)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import Response

from services.portal.entrypoints.forms import portal_of
from services.portal.entrypoints.pages import render
from services.portal.entrypoints.workspaces import AdminDep
from services.portal.service_layer import reference_data as service

router = APIRouter(prefix="/admin")


def _kind(kind: str) -> service.Kind:
    if kind not in service.KINDS:
        raise HTTPException(404)
    return service.KINDS[kind]


def _page(request: Request, user, kind: str, document: service.Document, status_code: int = 200) -> Response:  # type: ignore[no-untyped-def]
    rows = service.listing(portal_of(request).clients, user, kind)
    return render(request, "admin/reference.html", status_code=status_code, kind=kind, spec=_kind(kind), rows=rows,
                  document=document)


@router.get("/{kind}")
def reference(request: Request, user: AdminDep, kind: str) -> Response:
    spec = _kind(kind)
    return _page(request, user, kind, service.Document(text=spec.example))


@router.post("/{kind}")
async def load(request: Request, user: AdminDep, kind: str) -> Response:
    _kind(kind)
    form = await request.form()

    def work() -> Response:
        document = service.act(portal_of(request).clients, user, kind, str(form.get("document") or ""),
                               str(form.get("action") or "preview"), str(form.get("submission_id") or ""))
        return _page(request, user, kind, document, status_code=422 if document.errors else 200)

    return await run_in_threadpool(work)
