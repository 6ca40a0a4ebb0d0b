"""Invalid, expired, wrong-audience and unsigned tokens are refused with 401 and change nothing."""
from __future__ import annotations

import time

import jwt
import pytest
from sqlalchemy import func, select

from infra.auth import issue_token
from tests.support.stack import Stack

pytestmark = pytest.mark.integration

BODY = {"case_id": "CASE-AUTH", "kind": "case_review", "title": "认证测试", "assignee_role": "competent_department",
        "assignee_org": "140400.city_science_bureau"}


def claims(settings, **overrides):  # type: ignore[no-untyped-def]
    now = int(time.time())
    base = {"iss": settings.jwt_issuer, "aud": settings.jwt_audience, "sub": "worker", "iat": now, "exp": now + 600,
            "role": "workflow", "org": "duixian"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def bad_tokens(settings) -> dict[str, str]:  # type: ignore[no-untyped-def]
    secret = settings.jwt_secret.get_secret_value()
    return {
        "garbage": "not-a-jwt",
        "expired": jwt.encode(claims(settings, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600), secret, "HS256"),
        "wrong-audience": jwt.encode(claims(settings, aud="someone-else"), secret, "HS256"),
        "wrong-issuer": jwt.encode(claims(settings, iss="https://evil.example"), secret, "HS256"),
        "unsigned": jwt.encode(claims(settings), None, algorithm="none"),
        "wrong-key": jwt.encode(claims(settings), "another-secret-of-sufficient-length-000", "HS256"),
        "no-role": jwt.encode(claims(settings, role=None), secret, "HS256"),
        "unknown-role": jwt.encode(claims(settings, role="emperor"), secret, "HS256"),
        "no-expiry": jwt.encode(claims(settings, exp=None), secret, "HS256"),
    }


def test_bad_tokens_are_refused_with_401_and_change_nothing(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack:
        runtime = stack.runtimes["review"]
        tasks = runtime.metadata.tables["tasks"]
        with stack.client("review") as client:
            for name, token in {**bad_tokens(settings), "missing": None}.items():
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                for method, path in (("POST", "/internal/tasks"), ("GET", "/tasks")):
                    response = client.request(method, path, json=BODY if method == "POST" else None, headers=headers)
                    assert response.status_code == 401, (name, path, response.text)
                    assert response.headers["WWW-Authenticate"] == "Bearer"
                    assert response.json()["code"] == "unauthorized"
            good = issue_token(settings, subject="worker", role="workflow", organisation="duixian")
            assert client.post("/internal/tasks", json=BODY, headers={"Authorization": f"Bearer {good}"}).status_code == 201
        with runtime.db.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(tasks)).scalar_one() == 1, "only the good request wrote"
            audit = runtime.tables.audit_log
            assert conn.execute(select(func.count()).select_from(audit)).scalar_one() == 1


def test_login_free_paths_answer_without_a_token(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack, stack.client("review") as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/docs").status_code == 200
        assert client.get("/openapi.json").status_code == 200
        assert client.get("/tasks").status_code == 401


def test_text_with_nul_is_refused_before_any_work(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack, stack.client("review", "workflow", "duixian") as client:
        body = dict(BODY, title="含\u0000字符")
        response = client.post("/internal/tasks", json=body)
        assert response.status_code == 422 and "NUL" in response.json()["message"]
        assert client.get("/tasks", params={"status": "open\x00"}).status_code == 422
        runtime = stack.runtimes["review"]
        with runtime.db.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(runtime.metadata.tables["tasks"])).scalar_one() == 0
