"""Request bodies are bounded before anything reads them (authentication included).

Every route takes at most DEFAULT_MAX_BODY_BYTES unless it declares its own limit with
`openapi_extra=body_limit(n)` (material uploads do). A declared Content-Length over the limit is
answered 413 without reading a byte; a body that streams past it (chunked, or a lying header) is
answered 413 as soon as it does, so no more than the limit is ever held. A JSON body nested deeper
than MAX_JSON_DEPTH is refused 422 before a parser recurses into it. Both in the house error format.
"""
from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from fastapi.routing import APIRoute
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.common import MIB
from infra.errors import ErrorResponse, FieldError

DEFAULT_MAX_BODY_BYTES = 1 * MIB
MAX_JSON_DEPTH = 32
LIMIT_KEY = "x-max-body-bytes"

_JSON_STRUCTURE = re.compile(rb'[\[\]{}"\\]')


def body_limit(max_bytes: int) -> dict[str, Any]:
    """A route's own body limit, as its `openapi_extra` (so the OpenAPI document states it too)."""
    return {LIMIT_KEY: max_bytes}


@dataclass(frozen=True)
class RouteLimit:
    methods: frozenset[str]
    path: re.Pattern[str]
    max_bytes: int


def declared_limits(routes: Iterable[BaseRoute]) -> list[RouteLimit]:
    """The routes that declared their own limit with body_limit()."""
    return [RouteLimit(frozenset(route.methods or ()), route.path_regex, int(route.openapi_extra[LIMIT_KEY]))
            for route in routes if isinstance(route, APIRoute) and route.openapi_extra and LIMIT_KEY in route.openapi_extra]


def nesting_exceeds(body: bytes | bytearray, depth_limit: int) -> bool:
    """Whether JSON text opens more than `depth_limit` arrays/objects inside each other (strings skipped)."""
    depth, in_string, escaped_at = 0, False, -1
    for match in _JSON_STRUCTURE.finditer(body):
        at, char = match.start(), match.group()
        if at == escaped_at:
            continue
        if in_string:
            if char == b"\\":
                escaped_at = at + 1
            elif char == b'"':
                in_string = False
        elif char == b'"':
            in_string = True
        elif char in b"[{":
            depth += 1
            if depth > depth_limit:
                return True
        elif char in b"]}":
            depth -= 1
    return False


class BodyLimits:
    """ASGI middleware: outermost, so it runs before authentication and before any body is parsed."""

    def __init__(self, app: ASGIApp, limits: Iterable[RouteLimit] = (), *, json_depth: bool = True,
                 page: Callable[[ErrorResponse], str] | None = None) -> None:
        self.app = app
        self.limits = list(limits)
        self.json_depth = json_depth  # off where bodies are forms with files, whose bytes are not JSON
        self.page = page  # where people, not programs, send the bodies (the portal): the refusal as an HTML page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = next((r.max_bytes for r in self.limits if scope["method"] in r.methods and r.path.match(scope["path"])),
                     DEFAULT_MAX_BODY_BYTES)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(scope, send, limit, self.page)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            if len(body) > limit:
                await _too_large(scope, send, limit, self.page)
                return
            more = message.get("more_body", False)
        if self.json_depth and nesting_exceeds(body, MAX_JSON_DEPTH):
            await _refuse(scope, send, 422, ErrorResponse(
                code="validation_failed", message=f"请求体嵌套层数过多: JSON 最多嵌套 {MAX_JSON_DEPTH} 层",
                errors=[FieldError(field="body", reason=f"嵌套超过 {MAX_JSON_DEPTH} 层")]))
            return
        await self.app(scope, _replay(bytes(body), receive), send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _too_large(scope: Scope, send: Send, limit: int, page: Callable[[ErrorResponse], str] | None = None) -> None:
    size = f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit} 字节"
    await _refuse(scope, send, 413, ErrorResponse(
        code="payload_too_large", message=f"请求体过大: 本接口最多接受 {size}",
        errors=[FieldError(field="body", reason=f"超过 {size} 上限")], details={"max_bytes": limit}), page)


async def _refuse(scope: Scope, send: Send, status: int, error: ErrorResponse,
                  page: Callable[[ErrorResponse], str] | None = None) -> None:
    if page is None:
        content, content_type = json.dumps(error.model_dump(mode="json"), ensure_ascii=False).encode(), b"application/json"
    else:
        content, content_type = page(error).encode(), b"text/html; charset=utf-8"
    request_id = next((v for n, v in scope["headers"] if n == b"x-request-id"), uuid.uuid4().hex.encode())[:64]
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", content_type), (b"content-length", str(len(content)).encode()),
        (b"x-request-id", request_id)]})
    await send({"type": "http.response.body", "body": content})
