"""The body limit reads no more than the limit (plus one chunk) of an endless upload, answers in the
house error format, and refuses JSON nested too deep before any parser recurses into it."""
from __future__ import annotations

import asyncio
import json

from fastapi import APIRouter, FastAPI

from infra.body_limits import (
    DEFAULT_MAX_BODY_BYTES,
    MAX_JSON_DEPTH,
    BodyLimits,
    body_limit,
    declared_limits,
    nesting_exceeds,
)

CHUNK = b"x" * 65536


def app_with_routes() -> tuple[FastAPI, APIRouter]:
    router = APIRouter(prefix="/items")

    @router.post("/small")
    async def small() -> dict:
        return {"ok": True}

    @router.post("/large/{item}", openapi_extra=body_limit(4 * DEFAULT_MAX_BODY_BYTES))
    async def large(item: str) -> dict:
        return {"ok": True}

    app = FastAPI()
    app.include_router(router)
    return app, router


def call(path: str, chunks, headers: list[tuple[bytes, bytes]] | None = None) -> tuple[list[dict], int]:  # type: ignore[no-untyped-def]
    """Send an endless or finite body through the middleware; returns what was sent back and bytes read."""
    app, router = app_with_routes()
    read = 0
    chunks = iter(chunks)

    async def receive() -> dict:
        nonlocal read
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "root_path": "",
             "query_string": b"", "headers": headers or [], "app": app, "scheme": "http", "server": ("test", 80),
             "client": ("127.0.0.1", 1), "http_version": "1.1", "asgi": {"version": "3.0"}}
    asyncio.run(BodyLimits(app, declared_limits(router.routes))(scope, receive, send))
    return sent, read


def endless():  # type: ignore[no-untyped-def]
    while True:
        yield CHUNK


def test_an_endless_chunked_upload_is_cut_off_just_past_the_limit_with_413():
    sent, read = call("/items/small", endless())
    assert sent[0]["status"] == 413
    assert DEFAULT_MAX_BODY_BYTES < read <= DEFAULT_MAX_BODY_BYTES + len(CHUNK), "never holds more than the limit"
    error = json.loads(sent[1]["body"])
    assert error["code"] == "payload_too_large" and "1 MiB" in error["message"] and error["errors"][0]["field"] == "body"


def test_a_declared_length_over_the_limit_is_refused_without_reading_a_byte():
    sent, read = call("/items/small", endless(), headers=[(b"content-length", str(200 * 1024 * 1024).encode())])
    assert sent[0]["status"] == 413 and read == 0


def test_a_route_may_declare_a_larger_limit():
    sent, read = call("/items/large/one", (CHUNK for _ in range(32)))  # 2 MiB: over the default, under the route's 4 MiB
    assert sent[0]["status"] == 200 and read == 32 * len(CHUNK)
    sent, read = call("/items/large/one", endless())
    assert sent[0]["status"] == 413 and read <= 4 * DEFAULT_MAX_BODY_BYTES + len(CHUNK)


def test_json_nested_deeper_than_the_limit_is_refused_with_422():
    deep = b"[" * 10_000 + b"]" * 10_000
    sent, _ = call("/items/small", [deep])
    assert sent[0]["status"] == 422 and json.loads(sent[1]["body"])["errors"][0]["field"] == "body"


def test_nesting_counts_brackets_outside_strings_only():
    assert not nesting_exceeds(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH, MAX_JSON_DEPTH)
    assert nesting_exceeds(b"[" * (MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)
    assert not nesting_exceeds(json.dumps({"name": "[" * 100 + '\\"[{' * 50}).encode(), MAX_JSON_DEPTH)
    assert nesting_exceeds(b'{"a": "\\\\", "b": ' + b"[" * 40, MAX_JSON_DEPTH), "an escaped backslash ends no string"


def test_the_portal_answers_an_oversized_form_with_a_chinese_page_not_json():
    from services.portal.entrypoints.pages import too_large_page

    app, router = app_with_routes()
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": CHUNK, "more_body": True}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/items/small", "headers": [], "app": app}
    asyncio.run(BodyLimits(app, declared_limits(router.routes), page=too_large_page)(scope, receive, send))
    headers = dict(sent[0]["headers"])
    page = sent[1]["body"].decode()
    assert sent[0]["status"] == 413 and headers[b"content-type"].startswith(b"text/html")
    assert '<html lang="zh-CN">' in page and "提交的内容过大" in page and "最多接受 1MB" in page and "{" not in page
