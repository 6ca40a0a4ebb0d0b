"""Every POST honours Idempotency-Key: same key and body → same response; different body → 409. A key
belongs to one caller (organisation and subject) on one route."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from contracts.api.review import OpenTask
from duixian.services import entrypoint
from infra import migrations
from infra.idempotency import IdempotentRequest
from tests.support.cases import tech_transfer_facts
from tests.support.stack import Stack
from tests.support.tokens import make_uscc

pytestmark = pytest.mark.integration


def task(case_id: str) -> dict:
    return {"case_id": case_id, "kind": "case_review", "title": "幂等测试", "assignee_role": "competent_department",
            "assignee_org": "140400.city_science_bureau"}


def tasks_in(stack: Stack) -> int:
    runtime = stack.runtimes["review"]
    with runtime.db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(runtime.metadata.tables["tasks"])).scalar_one()


def test_same_key_and_body_returns_the_same_response_and_a_different_body_is_refused(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack, stack.client("review", "workflow", "duixian") as client:
        first = client.post("/internal/tasks", json=task("CASE-1"), headers={"Idempotency-Key": "wf-1/open-task-1"})
        again = client.post("/internal/tasks", json=task("CASE-1"), headers={"Idempotency-Key": "wf-1/open-task-1"})
        other = client.post("/internal/tasks", json=task("CASE-2"), headers={"Idempotency-Key": "wf-1/open-task-1"})
        assert first.status_code == 201 and again.status_code == 201
        assert again.json() == first.json() and again.headers["Idempotent-Replay"] == "true"
        assert other.status_code == 409 and other.json()["code"] == "conflict"
        assert tasks_in(stack) == 1


def test_twenty_concurrent_identical_requests_have_one_effect(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack:
        def send(_: int):  # type: ignore[no-untyped-def]
            with stack.client("review", "workflow", "duixian") as client:
                return client.post("/internal/tasks", json=task("CASE-C"), headers={"Idempotency-Key": "wf-c/open-task-1"})

        with ThreadPoolExecutor(max_workers=20) as pool:
            responses = list(pool.map(send, range(20)))
        assert {r.status_code for r in responses} == {201}
        assert len({r.json()["task_id"] for r in responses}) == 1
        assert tasks_in(stack) == 1


def test_another_organisations_user_with_the_same_subject_and_key_gets_no_stored_response(settings, databases):
    mine, theirs = make_uscc(), make_uscc()
    body = {"clause_id": "ckf2022-8.3", "facts": tech_transfer_facts(),
            "applicant": {"uscc": mine, "name": "长治示例科技有限公司", "kind": "enterprise", "region": "140400"}}
    key = {"Idempotency-Key": "apply-1"}
    with Stack(settings, databases, services=("intake",)) as stack:
        with stack.client("intake", "enterprise", mine, region="140400", subject="applicant") as me:
            applied = me.post("/applications", json=body, headers=key)
            assert applied.status_code == 201, applied.text
        with stack.client("intake", "enterprise", theirs, region="140400", subject="applicant") as them:
            replayed = them.post("/applications", json=body, headers=key)
            assert replayed.status_code == 403, replayed.text  # their own request: not in their name
            assert applied.json()["id"] not in replayed.text and "Idempotent-Replay" not in replayed.headers
            assert them.get(f"/applications/{applied.json()['id']}").status_code == 404


def test_the_same_key_on_another_route_is_another_request(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack, stack.client("review", "workflow", "duixian") as client:
        key = {"Idempotency-Key": "wf-r/step-1"}
        opened = client.post("/internal/tasks", json=task("CASE-R"), headers=key)
        reminded = client.post(f"/internal/tasks/{opened.json()['task_id']}/reminders", json={}, headers=key)
        assert opened.status_code == 201 and reminded.status_code == 201, reminded.text
        assert "Idempotent-Replay" not in reminded.headers
        again = client.post(f"/internal/tasks/{opened.json()['task_id']}/reminders", json={}, headers=key)
        assert again.headers["Idempotent-Replay"] == "true" and again.json() == reminded.json()


# The review revision before idempotency keys were scoped by organisation and route.
BEFORE_SCOPING = "13b9c6cc2292"


def _legacy_rows(runtime, rows: list[tuple[str, str, str, dict]]) -> None:  # type: ignore[no-untyped-def]
    """Rows as the old code stored them: scope = subject; the fingerprint (unchanged) over method, path and body."""
    with runtime.db.engine.begin() as conn:
        for subject, key, path, body in rows:
            fingerprint = IdempotentRequest(key, "POST", path, None).fingerprint(OpenTask(**body).model_dump(mode="json"))  # type: ignore[arg-type]
            conn.execute(text("INSERT INTO idempotency_keys (scope, key, fingerprint, status_code, response_body, created_at) "
                              "VALUES (:scope, :key, :fingerprint, 201, :response, :at)"),
                         {"scope": subject, "key": key, "fingerprint": fingerprint, "at": datetime.now(UTC),
                          "response": json.dumps({"task_id": "TASK-LEGACY", "case_id": body["case_id"]})})


def test_stored_keys_migrate_the_workers_still_replay_and_a_persons_no_longer_do(settings, databases):
    runtime = entrypoint("review").build_runtime(settings, databases.open("review"))
    migrations.upgrade(runtime, BEFORE_SCOPING)
    _legacy_rows(runtime, [("duixian-worker", "wf-old/open-task-1", "/internal/tasks", task("CASE-OLD")),
                           ("zhang", "k-1", "/internal/tasks", task("CASE-PERSON"))])
    with Stack(settings, databases, services=("review",)) as stack:  # migrates to head
        table = stack.runtimes["review"].tables.idempotency
        with stack.runtimes["review"].db.engine.connect() as conn:
            rows = {row.subject: row for row in conn.execute(select(table))}
        assert (rows["duixian-worker"].organisation, rows["duixian-worker"].route) == ("duixian", "")
        assert (rows["zhang"].organisation, rows["zhang"].route) == ("", "")
        with stack.client("review", "workflow", "duixian", subject="duixian-worker") as worker:  # as service_token signs it
            retried = worker.post("/internal/tasks", json=task("CASE-OLD"), headers={"Idempotency-Key": "wf-old/open-task-1"})
            assert retried.status_code == 201 and retried.headers["Idempotent-Replay"] == "true"
            assert retried.json()["task_id"] == "TASK-LEGACY" and tasks_in(stack) == 0
            changed = worker.post("/internal/tasks", json=task("CASE-NEW"), headers={"Idempotency-Key": "wf-old/open-task-1"})
            assert changed.status_code == 409, "a legacy row still binds its body and path"


def test_scoped_keys_downgrade_to_one_row_per_subject_and_key(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack:
        key = {"Idempotency-Key": "shared"}
        with stack.client("review", "workflow", "duixian", subject="same") as worker:
            opened = worker.post("/internal/tasks", json=task("CASE-D"), headers=key)
            assert worker.post(f"/internal/tasks/{opened.json()['task_id']}/reminders", json={}, headers=key).status_code == 201
    runtime = stack.runtimes["review"]
    migrations.downgrade(runtime, BEFORE_SCOPING)
    with runtime.db.engine.connect() as conn:
        assert conn.execute(text("SELECT scope, key FROM idempotency_keys")).all() == [("same", "shared")]
