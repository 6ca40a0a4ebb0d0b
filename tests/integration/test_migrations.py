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
