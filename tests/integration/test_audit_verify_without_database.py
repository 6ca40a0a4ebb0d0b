"""`duixian audit verify` pointed where no database is says so (exit 2, no traceback) and creates nothing."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
DUIXIAN = str(Path(sys.executable).parent / "duixian")


def verify(*services: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k != "DATA_DIR"}
    return subprocess.run([DUIXIAN, "audit", "verify", *services], capture_output=True, text=True, timeout=60,
                          env={**clean, **env})


def test_a_data_dir_without_databases_is_reported_and_left_empty(tmp_path):
    data_dir = tmp_path / "wrong-data-dir"
    result = verify(DATA_DIR=str(data_dir))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for service in ("intake", "review", "payout"):
        assert f"{service}: 找不到数据库文件 {data_dir / f'{service}.db'}" in result.stderr
    assert not data_dir.exists(), "no directory or database file was created"


def test_a_postgresql_schema_or_database_that_does_not_exist_is_reported(postgres_url):
    schema = f"t_{uuid.uuid4().hex[:8]}_never_migrated"
    joined = "&" if "?" in postgres_url else "?"
    empty_schema = verify("review", REVIEW_DATABASE_URL=f"{postgres_url}{joined}options=-csearch_path%3D{schema}")
    assert empty_schema.returncode == 2 and "review: 数据库中没有审计日志表" in empty_schema.stderr, empty_schema.stderr
    no_database = verify("review", DATABASE_URL=postgres_url.rsplit("/", 1)[0] + "/duixian_no_such_database")
    assert no_database.returncode == 2 and "review: 无法连接数据库" in no_database.stderr, no_database.stderr
    for result in (empty_schema, no_database):
        assert "Traceback" not in result.stderr
