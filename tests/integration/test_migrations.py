"""Each service's Alembic history builds exactly its models, on SQLite and on PostgreSQL, and runs backwards."""
from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from duixian.services import SERVED, entrypoint
from infra import migrations
from infra.settings import Settings

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("service", SERVED)
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


def test_bank_references_recorded_before_they_were_unique_are_claimed_from_the_journal(databases, caplog):
    """payout 29d13c904995: every disbursement so far claims its reference for its stage's funds, a returned one
    too; of a reference recorded on two stages the earlier keeps it and the later is logged."""
    from sqlmodel import Session, select

    from infra.clock import utcnow
    from services.payout.adapters.orm import BankReference, JournalEntry, PayoutPlan, PayoutStage

    runtime = entrypoint("payout").build_runtime(Settings(environment="test"), databases.open("payout"))
    migrations.upgrade(runtime, "27573d682ce9")  # payout's head before bank references
    now = utcnow()
    with Session(runtime.db.engine) as session:
        session.add(PayoutPlan(id="P-1", case_id="C-1", clause_id="ckf2022-8.3", recipient_uscc="U", recipient_name="企业",
                               recipient_kind="enterprise", region="140423", total_fen=3, citation={}, status="open",
                               opened_at=now))
        session.flush()
        for n, funding in ((1, [["city:140400", 1]]), (2, []), (3, [["city:140400", 1], ["county:140423", 1]])):
            session.add(PayoutStage(id=f"S-{n}", plan_id="P-1", sequence=n, amount_fen=1, status="disbursed", funding=funding))
        session.flush()
        for n, (stage, reference) in enumerate((("S-1", "R-1"), ("S-2", "r-2"), ("S-3", "R-1"), ("S-1", "R-3"))):
            session.add(JournalEntry(id=f"JE-{n}", kind="disbursement", stage_id=stage, plan_id="P-1", memo=f"拨付 {reference}",
                                     posted_by="x", posted_at=now + timedelta(minutes=n)))
        session.commit()
    with caplog.at_level("WARNING"):
        migrations.upgrade(runtime)
    with Session(runtime.db.engine) as session:
        claims = {(r.fund_id, r.reference_key): r.stage_id for r in session.exec(select(BankReference))}
    assert claims == {("city:140400", "R-1"): "S-1", ("city:140400", "R-2"): "S-2", ("county:140423", "R-1"): "S-3",
                      ("city:140400", "R-3"): "S-1"}
    assert "bank reference R-1 of fund city:140400 was recorded again on stage S-3" in caplog.text
