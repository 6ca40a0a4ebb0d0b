"""The admin's pages: the directory (用户与单位, kept in the portal with its audit chain) and review's reference
data (专家库, 节假日安排, 分档表 with a preview before loading)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from services.portal.domain.directory import DirectoryEntry
from services.portal.entrypoints.forms import portal_of
from services.portal.entrypoints.pages import render
from services.portal.entrypoints.workspaces import AdminDep
from services.portal.service_layer import directory_admin
from services.portal.service_layer import reference_data as service

router = APIRouter(prefix="/admin")
DONE = {"saved": "已保存，该用户下次访问时生效。", "removed": "已删除，该用户下次访问时即无法使用本系统。"}


def _directory(request: Request, form: directory_admin.EntryForm, status_code: int = 200, flash: str | None = None,
               refusal: str | None = None) -> Response:
    store = portal_of(request).directory
    return render(request, "admin/directory.html", status_code=status_code, entries=store.entries(), form=form,
                  history=store.history(), roles=directory_admin.ROLES, chains=directory_admin.chains(),
                  actions=directory_admin.ACTIONS, flash=flash, refusal=refusal)


@router.get("/directory")
def directory(request: Request, user: AdminDep, edit: str | None = None, done: str | None = None) -> Response:
    entry = portal_of(request).directory.find(edit) if edit else None
    form = directory_admin.EntryForm.of(entry) if entry else directory_admin.EntryForm()
    return _directory(request, form, flash=DONE.get(done or ""))


@router.post("/directory")
async def save_entry(request: Request, user: AdminDep) -> Response:
    form = directory_admin.read(await request.form())

    def work() -> Response:
        failed = directory_admin.save(portal_of(request).directory, user, form)
        if failed is None:
            return RedirectResponse("/admin/directory?done=saved", status_code=303)
        return _directory(request, failed, status_code=422)

    return await run_in_threadpool(work)


@router.post("/directory/{subject}/removal")
def remove_entry(request: Request, user: AdminDep, subject: str) -> Response:
    refusal = directory_admin.remove(portal_of(request).directory, user, subject)
    if refusal is None:
        return RedirectResponse("/admin/directory?done=removed", status_code=303)
    return _directory(request, directory_admin.EntryForm(), status_code=409, refusal=refusal)


def _kind(kind: str) -> service.Kind:
    if kind not in service.KINDS:
        raise HTTPException(404)
    return service.KINDS[kind]


def _page(request: Request, user: DirectoryEntry, kind: str, document: service.Document, status_code: int = 200) -> Response:
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
