"""Rendering pages: the Jinja2 environment with the portal's filters (Beijing time, 元, dates),
the signed-in user, and the HTML error pages (Chinese, same layout)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from contracts.common import MIB
from infra.errors import ErrorResponse
from policies.beijing import beijing_minute
from services.portal.domain.directory import DirectoryEntry
from services.portal.domain.money import yuan
from services.portal.domain.navigation import navigation
from services.portal.entrypoints.security import csrf_token, session_of
from services.portal.service_layer.signin import signed_in_user

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def chinese_date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.filters.update(beijing=lambda v: beijing_minute(v) or "—", date_zh=chinese_date, yuan=yuan)


def too_large_page(error: ErrorResponse) -> str:
    """The body limit's refusal (413) as a page: people send these bodies from forms, not programs."""
    limit = int(error.details.get("max_bytes", 0))
    size = f"{limit // MIB}MB" if limit and limit % MIB == 0 else f"{limit} 字节"
    return templates.get_template("too_large.html").render(size=size)


def person(request: Request, subject: str | None) -> str:
    """Who acted, as officials read it: the directory's name (services record subjects normalised to lower case,
    an enterprise's USCC as upper case in the directory); the workflow is 系统; anyone else by their subject."""
    if not subject:
        return "—"
    if subject.startswith("duixian-"):
        return "系统"
    directory = request.app.state.portal.directory
    entry = directory.find(subject) or directory.find(subject.upper())
    return entry.name if entry else subject


templates.env.globals.update(csrf_token=csrf_token, navigation=navigation, person=person)


def current_user(request: Request) -> DirectoryEntry | None:
    return signed_in_user(session_of(request), request.app.state.portal.directory)


class SignInRequired(Exception):
    pass


def require_user(request: Request) -> DirectoryEntry:
    user = current_user(request)
    if user is None:
        raise SignInRequired()
    return user


UserDep = Annotated[DirectoryEntry, Depends(require_user)]


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("user", current_user(request))
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def error_page(request: Request, status_code: int, title: str, message: str) -> HTMLResponse:
    return render(request, "error.html", status_code=status_code, title=title, message=message)
