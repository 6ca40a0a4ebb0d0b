"""What the enterprise pages share: only an enterprise may use them, forms with files are read whole
(the body is bounded before: see UPLOAD_BODY_LIMIT), and who the visitor is for the services' limits."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from contracts.api.intake import MAX_FILES, MAX_TOTAL_BYTES
from contracts.common import MIB
from infra.body_limits import body_limit
from services.portal.adapters.services import ServiceRefused
from services.portal.entrypoints.pages import error_page

T = TypeVar("T")

# A form with files: intake's limits for the files, the multipart wrapping of 20 of them, the fields beside.
UPLOAD_BODY_LIMIT = body_limit(MAX_TOTAL_BYTES + MAX_FILES * 4096 + MIB)




def visitor(request: Request) -> str | None:
    return request.client.host if request.client else None


async def read_form(request: Request, files_field: str = "materials") -> tuple[FormData, list[tuple[str, bytes]]]:
    """The form's fields and the files chosen in `files_field` (name, content); empty file inputs are skipped."""
    form = await request.form()
    files = []
    for item in form.getlist(files_field):
        if isinstance(item, UploadFile) and item.filename:
            files.append((item.filename, await item.read()))
    return form, files


def portal_of(request: Request) -> Any:
    return request.app.state.portal


def or_not_found(request: Request, make: Callable[[], T], title: str, message: str) -> T | Response:
    """The page `make` builds, or a Chinese 404 page when the service does not know (or does not show) its object."""
    try:
        return make()
    except ServiceRefused as refused:
        if refused.status_code == 404:
            return error_page(request, 404, title, message)
        raise
