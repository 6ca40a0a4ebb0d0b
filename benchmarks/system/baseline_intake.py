"""P1's baseline: a bare FastAPI + SQLModel endpoint that stores an application and answers 201, served
as `duixian serve` serves intake (one uvicorn process, no access log) on the same kind of database,
opened the same way (infra.db.open_database: SQLite in WAL with BEGIN IMMEDIATE, or a PostgreSQL pool).
No authentication, idempotency, checks, outbox or audit: what is left is the floor duixian stands on.

    python -m benchmarks.system.baseline_intake DATABASE_URL PORT
"""
from __future__ import annotations

import sys
import uuid
from datetime import UTC, datetime
from typing import Any

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import JSON, Column
from sqlalchemy.orm import registry
from sqlmodel import Field, Session, SQLModel

from infra.db import open_database


class BaselineTable(SQLModel, registry=registry()):
    pass


class BaselineApplication(BaselineTable, table=True):
    __tablename__ = "baseline_applications"

    id: str = Field(primary_key=True, max_length=64)
    clause_id: str = Field(max_length=64)
    applicant: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    facts: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    submitted_at: datetime


class Submit(BaseModel):
    clause_id: str
    applicant: dict[str, Any]
    facts: dict[str, Any] = {}


def create_app(database_url: str) -> FastAPI:
    engine = open_database(database_url).engine
    BaselineTable.metadata.create_all(engine)
    app = FastAPI()

    @app.post("/applications", status_code=201, response_model=BaselineApplication)
    def submit(body: Submit) -> BaselineApplication:
        row = BaselineApplication(id=f"APP-{uuid.uuid4().hex[:16].upper()}", submitted_at=datetime.now(UTC),
                                  **body.model_dump())
        with Session(engine, expire_on_commit=False) as session:
            session.add(row)
            session.commit()
        return row

    @app.get("/readyz")
    def ready() -> dict[str, str]:
        return {"status": "ok"}

    return app


if __name__ == "__main__":
    url, port = sys.argv[1], int(sys.argv[2])
    uvicorn.run(create_app(url), host="127.0.0.1", port=port, log_config=None, access_log=False)
