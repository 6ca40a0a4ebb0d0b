"""政策目录 and 政策计算器, open to everyone without sign-in: each clause with its 文号 and the policy's own
text, and the amount a clause gives for stated facts (server-side, a plain form)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from services.portal.entrypoints.forms import or_not_found, portal_of, visitor
from services.portal.entrypoints.pages import current_user, render
from services.portal.service_layer import catalogue
from services.portal.service_layer.catalogue import CALCULATOR_ENTITY, applicants_zh

router = APIRouter()


@router.get("/policies")
def policies(request: Request) -> Response:
    documents = catalogue.catalogue(portal_of(request).clients, visitor(request))
    return render(request, "public/policies.html", documents=documents)


@router.get("/policies/{clause_id}")
def policy(request: Request, clause_id: str) -> Response:
    page = _form(request, clause_id)
    if isinstance(page, Response):
        return page
    return render(request, "public/policy.html", clause=page.clause, fields=page.fields, applicants=applicants_zh(page.clause))


@router.get("/calculator")
def calculator_index(request: Request) -> Response:
    documents = catalogue.catalogue(portal_of(request).clients, visitor(request))
    return render(request, "public/calculator_index.html", documents=documents)


@router.get("/calculator/{clause_id}")
def calculator(request: Request, clause_id: str) -> Response:
    page = _form(request, clause_id)
    if isinstance(page, Response):
        return page
    return render(request, "public/calculator.html", page=page)


@router.post("/calculator/{clause_id}")
async def calculate(request: Request, clause_id: str) -> Response:
    form = await request.form()

    def work() -> Response:
        page = _form(request, clause_id, form)
        if isinstance(page, Response):
            return page
        user = current_user(request)
        entity = user.organisation if user and user.workspace == "enterprise" else CALCULATOR_ENTITY
        page = catalogue.calculate(portal_of(request).clients, visitor(request), page, entity)
        return render(request, "public/calculator.html", status_code=200 if page.result else 422, page=page)

    return await run_in_threadpool(work)


def _form(request: Request, clause_id: str, values: Any = None) -> catalogue.Calculation | Response:
    return or_not_found(request, lambda: catalogue.calculation_form(portal_of(request).clients, visitor(request), clause_id, values),
                        "未找到条款", "该条款不在政策目录中，请从政策目录进入。")
