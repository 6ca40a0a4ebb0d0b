"""Composition root of the portal process: its own database (sessions), the directory, the signing
key, the OIDC client, the service clients, the pages and the middleware around them."""
from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import structlog
from fastapi import Depends, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from contracts.topology import topology
from infra.audit import AuditKeys
from infra.body_limits import BodyLimits, declared_limits
from infra.db import Database
from infra.logging import configure_logging
from infra.runtime import ServiceRuntime
from infra.settings import Settings, get_settings
from infra.signing import SigningKey, keys_dir, load_or_create
from services.portal import SERVICE
from services.portal.adapters.calendar import ReviewCalendar
from services.portal.adapters.directory_store import DirectoryStore
from services.portal.adapters.drafts import DraftStore
from services.portal.adapters.oidc import oidc_client
from services.portal.adapters.orm import infra_tables, metadata
from services.portal.adapters.services import ServiceClients, ServiceUnavailable
from services.portal.adapters.sessions import SessionStore
from services.portal.domain.directory import Directory
from services.portal.entrypoints import (
    admin,
    applications,
    auth,
    chain_office,
    cockpit,
    finance,
    home,
    nominations,
    officials,
    policies,
    public,
    referrals,
    system,
)
from services.portal.entrypoints.pages import SignInRequired, error_page, too_large_page
from services.portal.entrypoints.security import CsrfRefused, SecurityHeadersMiddleware, SessionMiddleware, session_expired, verify_csrf
from services.portal.entrypoints.workspaces import WorkspaceRefused

log = structlog.get_logger(__name__)
PACKAGE = Path(__file__).resolve().parent.parent
MIGRATIONS = PACKAGE / "migrations"
STATIC = PACKAGE / "static"
DEMO_DIRECTORY = PACKAGE / "data" / "directory.yaml"
SIGNING_KEY_NAME = "portal"


def build_runtime(settings: Settings | None = None, database: Database | None = None) -> ServiceRuntime:
    settings = settings or get_settings()
    # The infrastructure tables are the portal's own (it writes only the audit chain, for its directory's edits).
    return ServiceRuntime.build(SERVICE, settings, metadata=metadata, tables=infra_tables, migrations_dir=MIGRATIONS,
                                topology=topology(settings.amqp_namespace), database=database)


@dataclass
class Portal:
    """What the pages use, built once per process."""

    runtime: ServiceRuntime
    settings: Settings
    directory: DirectoryStore  # the YAML's entries on first use, then what admins keep on /admin/directory
    store: SessionStore
    key: SigningKey
    keys_dir: Path
    clients: ServiceClients
    calendar: ReviewCalendar  # review's working days: the statutory calendar plus the years admins loaded there
    oidc: object
    drafts: DraftStore


def build_portal(runtime: ServiceRuntime) -> Portal:
    settings = runtime.settings
    directory = DirectoryStore(runtime.db, runtime.tables, AuditKeys.from_settings(settings),
                               Directory.from_file(settings.portal_directory_file or DEMO_DIRECTORY))
    store = SessionStore(runtime.db, idle=dt.timedelta(seconds=settings.portal_session_idle_seconds),
                         absolute=dt.timedelta(seconds=settings.portal_session_absolute_seconds))
    key = load_or_create(keys_dir(settings), SIGNING_KEY_NAME)
    clients = ServiceClients(settings, key)
    return Portal(runtime, settings, directory, store, key, keys_dir(settings), clients, ReviewCalendar(clients),
                  oidc_client(settings), DraftStore(runtime.db))


def create_app(runtime: ServiceRuntime | None = None) -> FastAPI:
    runtime = runtime or build_runtime()
    portal = build_portal(runtime)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(SERVICE, runtime.settings.log_level, runtime.settings.log_json)
        log.info("service_started", service=SERVICE, users=len(portal.directory.entries()))
        try:
            yield
        finally:
            portal.clients.close()

    app = FastAPI(title="duixian 门户", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan,
                  dependencies=[Depends(verify_csrf)])
    app.state.portal = portal
    app.state.runtime = runtime
    app.add_middleware(SessionMiddleware, store=portal.store, settings=runtime.settings)
    app.add_middleware(SecurityHeadersMiddleware, settings=runtime.settings)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in (system.router, auth.router, home.router, public.router):
        app.include_router(router)
    for router in (policies.router, applications.router, nominations.router, referrals.router):
        app.include_router(router)
    finance.install(app)
    cockpit.install(app)
    for router in (officials.router, chain_office.router, admin.router):
        app.include_router(router)
    # Bodies are bounded before anything reads them (forms with files: the routes' own limits); not JSON here.
    app.add_middleware(BodyLimits, limits=declared_limits(app.routes), json_depth=False, page=too_large_page)
    _add_error_pages(app)
    return app


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, error: CsrfRefused) -> Response:
        return error_page(request, 403, "请求已被拒绝",
                          "表单已失效或来源无法确认（缺少安全校验码）。请返回上一页，刷新后重新提交。")

    @app.exception_handler(WorkspaceRefused)
    async def wrong_workspace(request: Request, error: WorkspaceRefused) -> Response:
        return error_page(request, 403, error.title, error.message)

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, error: SignInRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        expired = "&expired=1" if session_expired(request) else ""
        return RedirectResponse(f"/signin?next={quote(target, safe='')}{expired}", status_code=303)

    @app.exception_handler(ServiceUnavailable)
    async def unavailable(request: Request, error: ServiceUnavailable) -> Response:
        log.warning("service_unavailable", service=error.service, detail=str(error))
        return error_page(request, 503, "服务暂时不可用", "后台服务暂时无法访问，请稍后再试。您的操作未被提交。")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        titles = {404: ("页面不存在", "您访问的页面不存在，请从导航重新进入。"), 405: ("请求方式不支持", "该页面不支持此操作。")}
        title, message = titles.get(error.status_code, ("请求无法处理", "请求无法处理，请返回重试。"))
        return error_page(request, error.status_code, title, message)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        log.exception("unhandled_error", error=repr(error))
        return error_page(request, 500, "系统内部错误", "系统内部错误，请稍后重试或联系管理员。")
