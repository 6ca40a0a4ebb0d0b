"""Every state change leaves an append-only, hash-chained audit record; tampering is detected."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from tests.support.stack import Stack

pytestmark = pytest.mark.integration
DUIXIAN = str(Path(sys.executable).parent / "duixian")


def open_tasks(stack: Stack, count: int) -> None:
    with stack.client("review", "workflow", "duixian") as client:
        for n in range(count):
            response = client.post("/internal/tasks", json={
                "case_id": f"CASE-AUDIT-{n}", "kind": "case_review", "title": f"审计测试 {n}",
                "assignee_role": "competent_department", "assignee_org": "140400.city_science_bureau"})
            assert response.status_code == 201


def verify(databases, service: str) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    url, schema = databases.url_and_schema(service)
    if schema:
        url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    env = {**os.environ, f"{service.upper()}_DATABASE_URL": url}
    return subprocess.run([DUIXIAN, "audit", "verify", service], capture_output=True, text=True, env=env, timeout=60)


def test_audit_records_cannot_be_updated_through_the_database(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack:
        open_tasks(stack, 1)
        runtime = stack.runtimes["review"]
        with pytest.raises(DatabaseError, match="append-only"), runtime.db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 1"))
        with pytest.raises(DatabaseError, match="append-only"), runtime.db.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_log WHERE seq = 1"))


def test_tampering_with_one_audit_row_is_detected_and_named(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack:
        open_tasks(stack, 5)
        runtime = stack.runtimes["review"]
        intact = verify(databases, "review")
        assert intact.returncode == 0 and "5 条记录" in intact.stdout, intact.stdout + intact.stderr

        # Someone with database rights bypasses the append-only trigger and rewrites record 3.
        with runtime.db.engine.begin() as conn:
            if runtime.db.is_postgres:
                conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            else:
                conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("UPDATE audit_log SET actor = 'innocent@example' WHERE seq = 3"))
        with runtime.db.engine.connect() as conn:
            assert conn.execute(select(runtime.tables.audit_log.c.actor).where(runtime.tables.audit_log.c.seq == 3)).scalar_one() == "innocent@example"

        tampered = verify(databases, "review")
        assert tampered.returncode == 1
        assert "seq=3" in tampered.stderr and "审计链断裂" in tampered.stderr
