"""Every state change leaves an append-only audit record, HMAC-chained under the services' key and anchored by
checkpoints the other services keep. Someone with the database's rights but without the key cannot tamper with
a record, append a forged one, cut the tail or rewrite the chain unseen (docs/audit.md says what stays open)."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import DatabaseError

from contracts.envelope import Actor
from duixian.services import entrypoint
from infra import audit, migrations
from infra.clock import utcnow
from infra.settings import Settings
from infra.uow import UnitOfWork
from tests.support.audit import anchored, chain, kept, migrate, rewind_head, verify, with_database_rights
from tests.support.stack import Stack

pytestmark = pytest.mark.integration


def open_tasks(stack: Stack, count: int, start: int = 0) -> None:
    with stack.client("review", "workflow", "duixian") as client:
        for n in range(start, start + count):
            response = client.post("/internal/tasks", json={
                "case_id": f"CASE-AUDIT-{n}", "kind": "case_review", "title": f"审计测试 {n}",
                "assignee_role": "competent_department", "assignee_org": "140400.city_science_bureau"})
            assert response.status_code == 201


def checkpointed(settings: Settings, databases, tasks: int, **audit_settings) -> dict:  # type: ignore[no-untyped-def]
    """The three services run until review's `tasks` records are anchored — each service publishes its chain's
    checkpoints, the other two keep them — then stop: the attacks below are on databases at rest."""
    with Stack(settings.model_copy(update=audit_settings), databases) as stack:
        open_tasks(stack, tasks)
        anchored(stack.runtimes, "review", tasks)
    return stack.runtimes


def test_audit_records_cannot_be_updated_through_the_database(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack:
        open_tasks(stack, 1)
        runtime = stack.runtimes["review"]
        with pytest.raises(DatabaseError, match="append-only"), runtime.db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 1"))
        with pytest.raises(DatabaseError, match="append-only"), runtime.db.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_log WHERE seq = 1"))
        with runtime.db.engine.begin() as conn:  # a checkpoint of another service's chain, kept here
            conn.execute(insert(runtime.tables.audit_checkpoints).values(
                service="payout", seq=1, hash="0" * 64, published_at=utcnow(), received_at=utcnow(), message_id="M-1"))
        with pytest.raises(DatabaseError, match="append-only"), runtime.db.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_checkpoints"))
        with pytest.raises(DatabaseError, match="append-only"), runtime.db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_checkpoints SET seq = 100"))


def test_tampering_with_one_audit_row_is_detected_and_named(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack:
        migrate(settings, databases, "intake", "payout")
        open_tasks(stack, 5)
        runtime = stack.runtimes["review"]
        intact = verify(databases, "review")
        assert intact.returncode == 0 and "5 条记录" in intact.stdout, intact.stdout + intact.stderr

        # Someone with database rights bypasses the append-only trigger and rewrites record 3.
        with with_database_rights(runtime) as conn:
            conn.execute(text("UPDATE audit_log SET actor = 'innocent@example' WHERE seq = 3"))
        with runtime.db.engine.connect() as conn:
            log = runtime.tables.audit_log
            assert conn.execute(select(log.c.actor).where(log.c.seq == 3)).scalar_one() == "innocent@example"

        tampered = verify(databases, "review")
        assert tampered.returncode == 1
        assert "seq=3" in tampered.stderr and "审计链断裂" in tampered.stderr


def _forged(records: list[dict], key_id: str | None) -> dict:
    """A record as the service would have written it, appended with the plain hash anyone can recompute."""
    last = records[-1]
    forged = dict(last, seq=last["seq"] + 1, actor="ghost@140400.city_science_bureau", action="task.open",
                  object_id="TASK-FORGED", prev_hash=last["hash"], key_id=key_id)
    forged["hash"] = audit.plain_hash(last["hash"], forged)
    return forged


def _published_checkpoints(runtime) -> int:  # type: ignore[no-untyped-def]
    outbox = runtime.tables.outbox
    with runtime.db.engine.connect() as conn:
        return len(conn.execute(select(outbox.c.seq).where(outbox.c.event_type.like("%.audit_checkpoint.recorded"))).all())


def test_a_record_appended_with_a_recomputed_hash_is_detected(settings, databases):
    runtimes = checkpointed(settings, databases, 4, audit_checkpoint_every=2)
    review, intake = runtimes["review"], runtimes["intake"]

    # Appending needs no trigger bypass: a forged record with a recomputed hash, the head moved on.
    for runtime, claimed_key in ((review, audit.AuditKeys.from_settings(settings).signing_id), (intake, None)):
        forged = _forged(chain(runtime), claimed_key)
        with runtime.db.engine.begin() as conn:
            conn.execute(insert(runtime.tables.audit_log).values(**forged))
            rewind_head(conn, runtime, [forged])

    report = verify(databases, "review", "intake")
    as_signed, unsigned = (next(line for line in report.stderr.splitlines() if line.startswith(f"{service}:"))
                           for service in ("review", "intake"))
    assert report.returncode == 1
    assert f"seq={len(chain(review))}" in as_signed and "HMAC 不符" in as_signed, report.stderr
    assert f"seq={len(chain(intake))}" in unsigned and "未以密钥签署" in unsigned, report.stderr
    # keeping checkpoints never makes one due: payout, whose chain holds nothing else, published none
    assert len(chain(runtimes["payout"])) >= 2 and _published_checkpoints(runtimes["payout"]) == 0


def test_a_cut_tail_with_a_rewound_head_is_detected_by_the_checkpoints_kept_elsewhere(settings, databases):
    """Here only the periodic checkpoint anchors the tail: no 1000 records pass in the test."""
    review = checkpointed(settings, databases, 5, audit_checkpoint_every=1000, audit_checkpoint_seconds=0.1)["review"]

    # the last records go, and the head is rewound to what is left: the chain alone is consistent again
    kept_records = chain(review)[:3]
    with with_database_rights(review) as conn:
        conn.execute(delete(review.tables.audit_log).where(review.tables.audit_log.c.seq > 3))
        rewind_head(conn, review, kept_records, checkpoint_seq=3)

    cut = verify(databases, "review")
    assert cut.returncode == 1, cut.stdout + cut.stderr
    assert "seq=4" in cut.stderr and "超出链尾 (共 3 条)" in cut.stderr and "tail cut" in cut.stderr, cut.stderr


def _rewrite(runtime, records: list[dict], keys: audit.AuditKeys | None) -> list[dict]:  # type: ignore[no-untyped-def]
    """Every record again, its actor replaced and each link recomputed: with the key when given, else plain."""
    prev, rewritten = audit.GENESIS, []
    for record in records:
        row = dict(record, actor="innocent@example", prev_hash=prev, key_id=keys.signing_id if keys else None)
        row["hash"] = audit.record_mac(keys.signing_key, keys.signing_id, prev, row) if keys else audit.plain_hash(prev, row)
        rewritten.append(row)
        prev = row["hash"]
    with with_database_rights(runtime) as conn:
        for row in rewritten:
            conn.execute(update(runtime.tables.audit_log).where(runtime.tables.audit_log.c.seq == row["seq"])
                         .values(actor=row["actor"], key_id=row["key_id"], prev_hash=row["prev_hash"], hash=row["hash"]))
        rewind_head(conn, runtime, rewritten, keyed_from_seq=1 if keys else None)
    return rewritten


def test_a_chain_rewritten_end_to_end_is_detected_with_or_without_the_key(settings, databases):
    runtimes = checkpointed(settings, databases, 4, audit_checkpoint_every=2)
    review, original = runtimes["review"], chain(runtimes["review"])
    first_kept = min(c.seq for keeper in ("intake", "payout") for c in kept(runtimes[keeper], "review"))

    # 1. without the key, as the plain chain of old: every link recomputes, the head agrees — the
    #    chain is self-consistent, but not with the checkpoints intake and payout hold
    _rewrite(review, original, None)
    as_legacy = verify(databases, "review")
    assert as_legacy.returncode == 1 and f"seq={first_kept}" in as_legacy.stderr, as_legacy.stderr
    assert "审计链被改写" in as_legacy.stderr

    # 2. without the key, claiming the key's id: the first record's HMAC fails
    rewritten = _rewrite(review, original, None)
    with with_database_rights(review) as conn:
        conn.execute(update(review.tables.audit_log).values(key_id=audit.AuditKeys.from_settings(settings).signing_id))
        rewind_head(conn, review, rewritten, keyed_from_seq=1)
    claimed = verify(databases, "review")
    assert claimed.returncode == 1 and "seq=1" in claimed.stderr and "HMAC 不符" in claimed.stderr, claimed.stderr

    # 3. with the key (an insider holding AUDIT_KEY and this database): only the checkpoints disagree
    _rewrite(review, original, audit.AuditKeys.from_settings(settings))
    with_key = verify(databases, "review")
    assert with_key.returncode == 1 and f"seq={first_kept}" in with_key.stderr, with_key.stderr
    assert "审计链被改写" in with_key.stderr


def _append(runtime, count: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(count):
        with UnitOfWork(runtime, actor=Actor(subject="clerk", role="system")) as uow:
            uow.audit("test.record", "test", f"T-{n}", after={"n": n})
            uow.commit()


def test_records_signed_with_a_retired_key_verify_and_an_unconfigured_key_is_named(databases):
    old_key, new_key = "k" * 32, "n" * 32
    runtime = entrypoint("review").build_runtime(Settings(environment="test", audit_key=old_key), databases.open("review"))
    migrations.upgrade(runtime)
    _append(runtime, 2)
    runtime.settings = Settings(environment="test", audit_key=new_key, audit_retired_keys=[old_key])  # rotated
    _append(runtime, 2)
    with runtime.db.engine.connect() as conn:
        rotated = audit.verify(conn, runtime.tables, audit.AuditKeys.from_settings(runtime.settings))
        forgotten = audit.verify(conn, runtime.tables, audit.AuditKeys.from_settings(Settings(audit_key=new_key)))
    assert rotated.intact and rotated.records == 4 and rotated.unkeyed == 0
    assert [r["key_id"] for r in chain(runtime)] == [audit.key_id(old_key.encode())] * 2 + [audit.key_id(new_key.encode())] * 2
    assert forgotten.first_broken_seq == 1 and audit.key_id(old_key.encode()) in (forgotten.reason or "")


def test_records_written_before_the_chain_was_keyed_verify_as_before_and_only_before(databases):
    """Upgrading an existing database: its plain-hash records stay as they are and verify the old way; from the
    first keyed record on, a record without the key's HMAC is refused."""
    settings = Settings(environment="test")
    runtime = entrypoint("review").build_runtime(settings, databases.open("review"))
    migrations.upgrade(runtime, "09b8edba8ee5")  # review's head before the chain was keyed
    legacy, prev = [], audit.GENESIS
    for seq in (1, 2, 3):
        row = {"seq": seq, "occurred_at": utcnow(), "actor": "clerk", "role": "system", "organisation": None,
               "action": "legacy", "object_type": "test", "object_id": f"L-{seq}", "before": None, "after": None,
               "request_id": None, "prev_hash": prev}
        row["hash"] = prev = audit.plain_hash(prev, row)
        legacy.append(row)
    with runtime.db.engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (seq, occurred_at, actor, role, organisation, action, object_type, "
                          "object_id, before, after, request_id, prev_hash, hash) VALUES (:seq, :occurred_at, :actor, "
                          ":role, :organisation, :action, :object_type, :object_id, :before, :after, :request_id, "
                          ":prev_hash, :hash)"), legacy)
        conn.execute(text("UPDATE audit_head SET last_seq = 3, last_hash = :hash"), {"hash": prev})
    migrations.upgrade(runtime)
    _append(runtime, 2)
    keys = audit.AuditKeys.from_settings(settings)
    with runtime.db.engine.connect() as conn:
        upgraded = audit.verify(conn, runtime.tables, keys)
        assert conn.execute(select(runtime.tables.audit_head.c.keyed_from_seq)).scalar_one() == 4
    assert upgraded.intact and upgraded.records == 5 and upgraded.unkeyed == 3

    forged = _forged(chain(runtime), None)
    with runtime.db.engine.begin() as conn:
        conn.execute(insert(runtime.tables.audit_log).values(**forged))
        rewind_head(conn, runtime, [forged])
    with runtime.db.engine.connect() as conn:
        refused = audit.verify(conn, runtime.tables, keys)
    assert refused.first_broken_seq == 6 and "未以密钥签署" in (refused.reason or "")
