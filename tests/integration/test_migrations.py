"""Each service's Alembic history builds exactly its models, on SQLite and on PostgreSQL, and runs backwards."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from duixian.services import SERVICES, entrypoint
from infra import migrations
from infra.settings import Settings

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_build_the_models_and_downgrade_cleanly(service, databases):
    runtime = entrypoint(service).build_runtime(Settings(environment="test"), databases.open(service))
    migrations.upgrade(runtime)
    migrations.upgrade(runtime)  # a second run is a no-op
    with runtime.db.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), runtime.metadata)
    assert differences == [], f"models and migrations differ; run `duixian db revision --service {service}`"
    migrations.downgrade(runtime, "base")
    tables = set(inspect(runtime.db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()


def test_instants_read_back_aware_in_utc_on_every_database(databases):
    from datetime import UTC, datetime, timedelta, timezone

    from sqlmodel import Session

    from services.review.adapters.orm import Task

    runtime = entrypoint("review").build_runtime(Settings(environment="test"), databases.open("review"))
    migrations.upgrade(runtime)
    beijing = datetime(2025, 9, 26, 18, 30, tzinfo=timezone(timedelta(hours=8)))
    with Session(runtime.db.engine) as session:
        session.add(Task(id="T-TZ", case_id="C", kind="k", title="t", assignee_role="r", assignee_org="o", facts={},
                         status="open", opened_by="x", opened_at=beijing))
        session.commit()
    with Session(runtime.db.engine) as session:
        opened = session.get(Task, "T-TZ").opened_at
    assert opened.tzinfo is not None and opened.utcoffset() == timedelta(0)
    assert opened == beijing and opened == datetime(2025, 9, 26, 10, 30, tzinfo=UTC)
