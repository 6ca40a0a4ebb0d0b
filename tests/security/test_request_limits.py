"""Bodies are bounded before anything reads them: an oversized upload is answered 413 before
authentication (declared or streamed), material uploads have their own larger limit, and JSON nested
too deep is answered 422, all in the house error format."""
from __future__ import annotations

import base64
import json
import socket

import pytest
from sqlalchemy import func, select

from tests.support.stack import Stack

pytestmark = pytest.mark.integration

MIB = 1024 * 1024


def headers_only(port: int, head: str) -> tuple[int, dict]:
    """Send a request's head and not one byte of its body; read what the server answers."""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        sock.sendall(head.encode())
        received = b""
        while b"\r\n\r\n" not in received or len(received.split(b"\r\n\r\n", 1)[1]) < _length(received):
            chunk = sock.recv(65536)
            assert chunk, f"connection closed after {received!r}"
            received += chunk
    status = int(received.split(b" ", 2)[1])
    return status, json.loads(received.split(b"\r\n\r\n", 1)[1])


def _length(received: bytes) -> int:
    head = received.split(b"\r\n\r\n", 1)[0].lower()
    return next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.startswith(b"content-length:"))


def rows_written(stack: Stack, table: str = "applications") -> int:
    runtime = stack.runtimes["intake"]
    with runtime.db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(runtime.metadata.tables[table])).scalar_one()


def test_an_unauthenticated_200_mb_upload_is_refused_413_from_its_header_before_the_401(settings, databases):
    with Stack(settings, databases, services=("intake",)) as stack:
        status, error = headers_only(stack.servers["intake"].port, (
            "POST /referral-projects HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {200 * MIB}\r\n\r\n"))
        assert status == 413, error
        assert error["code"] == "payload_too_large" and "请求体过大" in error["message"]
        assert error["errors"] == [{"field": "body", "reason": "超过 1 MiB 上限"}]
        with stack.client("intake") as client:
            assert client.get("/healthz").status_code == 200
        assert rows_written(stack, "referral_projects") == 0


def test_a_chunked_upload_without_a_length_is_refused_413_once_it_passes_the_limit(settings, databases):
    def stream():  # 16 MiB in reused 64 KiB chunks: nothing large is held by the test either
        chunk = b" " * 65536
        for _ in range(256):
            yield chunk

    with Stack(settings, databases, services=("intake",)) as stack, stack.client("intake") as client:
        response = client.post("/referral-projects", content=stream(), headers={"Content-Type": "application/json"})
        assert response.status_code == 413, response.text
        assert response.json()["code"] == "payload_too_large" and response.headers["X-Request-ID"]
        assert client.get("/healthz").status_code == 200


def test_material_uploads_have_their_own_larger_limit(settings, databases):
    pdf = b"%PDF-1.4\n" + b"0" * (3 * MIB)
    body = json.dumps({"enterprise": {}, "chain_id": "sx_photovoltaic", "materials": [
        {"filename": "年报.pdf", "content_type": "application/pdf", "content_base64": base64.b64encode(pdf).decode()}]})
    with Stack(settings, databases, services=("intake",)) as stack, stack.client("intake") as client:
        headers = {"Content-Type": "application/json"}
        assert client.post("/referral-projects", content=body, headers=headers).status_code == 413
        for path in ("/selection/rounds/SEL-X/nominations", "/applications", "/applications/APP-X/supplements"):
            passed = client.post(path, content=body, headers=headers)
            assert passed.status_code == 401, f"4 MiB with materials to {path} passes the body limit and meets authentication"
        paths = client.get("/openapi.json").json()["paths"]
        for path in ("/selection/rounds/{round_id}/nominations", "/applications", "/applications/{application_id}/supplements"):
            assert paths[path]["post"]["x-max-body-bytes"] > 50 * MIB


def test_json_nested_ten_thousand_deep_is_answered_422_in_the_house_format(settings, databases):
    uscc = "91350100M000100Y43"
    deep = "[" * 10_000 + "]" * 10_000
    body = ('{"clause_id": "ckf2022-8.3", "applicant": {"uscc": "' + uscc + '", "name": "示例", "region": "140400"}, '
            '"facts": {"receipts_yuan": ' + deep + '}}')
    with Stack(settings, databases, services=("intake",)) as stack, \
            stack.client("intake", "enterprise", uscc, region="140400") as client:
        for content in (body, deep):
            response = client.post("/applications", content=content, headers={"Content-Type": "application/json"})
            assert response.status_code == 422, response.text
            error = response.json()
            assert error["code"] == "validation_failed" and "嵌套" in error["message"]
            assert error["errors"][0]["field"] == "body"
        assert rows_written(stack) == 0
