"""FastAPI application factory shared by the services: the same health, metrics, logging,
request-id, error handling and background threads in every service."""
from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from contracts.envelope import Actor
from infra.audit import AuditKeys
from infra.auth import ROLES, Principal, PrincipalDep, roles_allowed
from infra.background import BackgroundWorkers, ConsumerBinding
from infra.body_limits import BodyLimits, declared_limits
from infra.errors import ERROR_RESPONSES, DomainError, ErrorResponse, FieldError
from infra.logging import configure_logging
from infra.metrics import HTTP_LATENCY, HTTP_REQUESTS, metrics_served
from infra.runtime import ServiceRuntime
from infra.status import ServiceStatus, database_ready, service_status
from infra.uow import UnitOfWork

log = structlog.get_logger(__name__)

ANONYMOUS = Actor(subject="anonymous", role="public")
# Who may read /status: the departments, auditors, operators and the processes; not the public,
# applicants or outside experts (it shows queue names and backlogs, never credentials).
STATUS_ROLES = tuple(role for role in ROLES if role not in ("enterprise", "expert"))
StatusReaderDep = Annotated[Principal, Depends(roles_allowed(*STATUS_ROLES))]


class Health(BaseModel):
    status: str
    service: str
    checks: dict[str, str] = {}


def create_service_app(
    runtime: ServiceRuntime,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    consumers: Sequence[ConsumerBinding] = (),
    openapi_tags: list[dict] | None = None,
) -> FastAPI:
    AuditKeys.from_settings(runtime.settings)  # a service audits every change: no start without a usable key
    workers = BackgroundWorkers(runtime, list(consumers))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(runtime.name, runtime.settings.log_level, runtime.settings.log_json)
        with metrics_served(runtime.settings.serve_host, runtime.settings.metrics_port) as app.state.metrics_port:
            workers.start()
            log.info("service_started", service=runtime.name, metrics_port=app.state.metrics_port)
            try:
                yield
            finally:
                workers.shutdown()
                log.info("service_stopped", service=runtime.name)

    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan, openapi_tags=openapi_tags)
    app.state.runtime = runtime
    app.state.workers = workers
    _add_middleware(app, runtime.name)
    _add_error_handlers(app)
    app.include_router(_health_router(runtime))
    for router in routers:
        app.include_router(router)
    # added last, so outermost: bodies are bounded before authentication or anything else reads them
    app.add_middleware(BodyLimits, limits=declared_limits(route for router in routers for route in router.routes))
    return app


def _add_middleware(app: FastAPI, service: str) -> None:
    @app.middleware("http")
    async def request_context(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        request.state.request_id = request_id[:64]
        structlog.contextvars.bind_contextvars(request_id=request.state.request_id)
        started = time.perf_counter()
        refused = await _refuse_nul(request)
        if refused is not None:
            refused.headers["X-Request-ID"] = request.state.request_id
            structlog.contextvars.unbind_contextvars("request_id")
            return refused
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
        finally:
            route = request.scope.get("route")
            template = getattr(route, "path", "unmatched")
            elapsed = time.perf_counter() - started
            HTTP_REQUESTS.labels(service, request.method, template, str(status)).inc()
            HTTP_LATENCY.labels(service, request.method, template).observe(elapsed)
            if template not in ("/healthz", "/metrics"):
                log.info("http_request", method=request.method, path=request.url.path, status=status, ms=round(elapsed * 1000, 1))
            structlog.contextvars.unbind_contextvars("request_id")
        response.headers["X-Request-ID"] = request.state.request_id
        return response


async def _refuse_nul(request: Request) -> JSONResponse | None:
    """Text may not contain NUL (PostgreSQL cannot store it): refused for every route, before any work."""
    if "%00" in request.url.query or "%00" in request.url.path:
        where = "query"
    elif request.method in ("POST", "PUT", "PATCH") and (b"\\u0000" in (body := await request.body()) or b"\x00" in body):
        where = "body"
    else:
        return None
    error = ErrorResponse(code="validation_failed", message="请求中含有空字符(NUL), 文本不得包含该字符",
                          errors=[FieldError(field=where, reason="含空字符(NUL)")])
    return JSONResponse(error.model_dump(mode="json"), status_code=422)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        return JSONResponse(error.response().model_dump(mode="json"), status_code=error.status_code, headers=error.headers())

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            FieldError(field=".".join(str(part) for part in item.get("loc", ())), reason=str(item.get("msg", "")))
            for item in error.errors()
        ]
        body = ErrorResponse(
            code="validation_failed",
            message="请求参数校验失败: " + "; ".join(f"{e.field} {e.reason}" for e in errors),
            errors=errors,
        )
        return JSONResponse(body.model_dump(mode="json"), status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled_error", error=repr(error))
        body = ErrorResponse(
            code="internal_error",
            message="系统内部错误, 请稍后重试或联系管理员",
            details={"request_id": getattr(request.state, "request_id", None)},
        )
        return JSONResponse(body.model_dump(mode="json"), status_code=500)


def _health_router(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", response_model=Health, summary="存活检查")
    def healthz() -> Health:
        return Health(status="ok", service=runtime.name)

    @router.get(
        "/readyz",
        response_model=Health,
        summary="就绪检查: 能否处理请求 (数据库可达; 消息代理中断时事件暂存于 outbox, 仍可处理请求)",
        responses={503: {"model": Health, "description": "数据库不可达"}},
    )
    def readyz() -> Response:
        database = database_ready(runtime)
        ready = database.status == "ok"
        checks = {"database": "ok" if ready else database.detail}
        health = Health(status="ok" if ready else "unavailable", service=runtime.name, checks=checks)
        return JSONResponse(health.model_dump(), status_code=200 if ready else 503)

    @router.get("/status", response_model=ServiceStatus, summary="运行状态: 各依赖是否可达, outbox 与队列积压, 死信",
                responses={code: ERROR_RESPONSES[code] for code in (401, 403)})
    def status(principal: StatusReaderDep) -> ServiceStatus:
        return service_status(runtime)

    return router


def _unit_of_work(request: Request, principal: PrincipalDep) -> Iterator[UnitOfWork]:
    with UnitOfWork(
        request.app.state.runtime, actor=principal.as_actor(), request_id=request.state.request_id
    ) as uow:
        yield uow


def _public_unit_of_work(request: Request) -> Iterator[UnitOfWork]:
    with UnitOfWork(request.app.state.runtime, actor=ANONYMOUS, request_id=request.state.request_id) as uow:
        yield uow


UowDep = Annotated[UnitOfWork, Depends(_unit_of_work)]
PublicUowDep = Annotated[UnitOfWork, Depends(_public_unit_of_work)]
