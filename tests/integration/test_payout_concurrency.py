"""Under concurrency the ledger pays a stage once and never lets an entity's awards pass a cap
(row locks FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite)."""
from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from infra.clock import beijing_today
from tests.support.payout import approved_stage, events, finance, journal_balanced, open_plan_body, recipient, replay_matches, table_rows
from tests.support.stack import Stack

pytestmark = pytest.mark.integration
TODAY = beijing_today().isoformat()  # a disbursement is never dated in the future


def _disbursements(stack: Stack, stage_id: str) -> int:
    return sum(1 for e in table_rows(stack, "journal_entries") if e.kind == "disbursement" and e.stage_id == stage_id)


def test_twenty_concurrent_identical_disbursements_pay_once(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        stage_id = approved_stage(stack)
        body = {"bank_reference": "ICBC-20260302-0001", "disbursed_on": TODAY}
        start = threading.Barrier(20)

        def send(_: int):  # type: ignore[no-untyped-def]
            with finance(stack, "wang") as client:
                client.get("/payout-stages", params={"limit": 1})  # connection open before the race
                start.wait()
                return client.post(f"/payout-stages/{stage_id}/disbursement", json=body,
                                   headers={"Idempotency-Key": "batch-2026-03-02/row-1"})

        with ThreadPoolExecutor(max_workers=20) as pool:
            responses = list(pool.map(send, range(20)))
        assert {r.status_code for r in responses} == {201}, {r.status_code: r.text for r in responses}
        assert {r.json()["bank_reference"] for r in responses} == {"ICBC-20260302-0001"}
        assert _disbursements(stack, stage_id) == 1
        assert len(events(stack, "payout.stage.disbursed")) == 1
        assert journal_balanced(stack) and replay_matches(stack)


def test_twenty_concurrent_different_disbursements_of_one_stage_pay_once(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        stage_id = approved_stage(stack)
        start = threading.Barrier(20)

        def send(i: int):  # type: ignore[no-untyped-def]
            with finance(stack, f"clerk{i}") as client:
                client.get("/payout-stages", params={"limit": 1})
                start.wait()
                return client.post(f"/payout-stages/{stage_id}/disbursement",
                                   json={"bank_reference": f"REF-{i}", "disbursed_on": TODAY})

        with ThreadPoolExecutor(max_workers=20) as pool:
            responses = list(pool.map(send, range(20)))
        codes = sorted(r.status_code for r in responses)
        assert codes == [201] + [409] * 19, {r.status_code: r.text for r in responses}
        assert _disbursements(stack, stage_id) == 1
        assert journal_balanced(stack) and replay_matches(stack)


def test_concurrent_awards_to_one_entity_never_exceed_its_yearly_cap(settings, databases):
    """9.4.2 技术推广奖励: 同一法人单位全年累计最高不超过100万元. Ten concurrent 30万 awards: three fit."""
    with Stack(settings, databases, services=("payout",)) as stack:
        who = recipient()

        def award(i: int):  # type: ignore[no-untyped-def]
            body = open_plan_body(who, clause_id="jgx2024-9.4.2", amount_fen=30_000_000, entity_id=who["uscc"], year=2026,
                                  project_id=f"TP-{uuid.uuid4().hex[:6]}",
                                  citation={"document_number": "晋工信新材料规字〔2024〕1号", "clause_number": "9.4.2"})
            with stack.client("payout", "workflow", "duixian") as wf:
                return wf.post("/internal/payout-plans", json=body, headers={"Idempotency-Key": f"wf-{i}/open-plan"})

        with ThreadPoolExecutor(max_workers=10) as pool:
            responses = list(pool.map(award, range(10)))
        codes = sorted(r.status_code for r in responses)
        assert codes == [201] * 3 + [409] * 7, {r.status_code: r.text for r in responses}
        refused = next(r.json() for r in responses if r.status_code == 409)
        assert refused["code"] == "cap_exceeded" and "同一法人单位全年累计最高不超过100万元" in refused["message"]
        with stack.client("payout", "workflow", "duixian") as wf:
            held = wf.get("/internal/prior-awards", params={"entity_id": who["uscc"], "year": 2026}).json()
        assert sum(a["amount_fen"] for a in held) == 90_000_000 <= 100_000_000
        assert len(table_rows(stack, "payout_plans")) == 3


def test_a_second_disbursement_waits_for_the_first_and_is_refused(settings, databases):
    """Deterministic interleaving at the service layer with separate sessions: while the first
    disbursement holds the stage row (uncommitted), a second one must wait, then see it paid."""
    from contracts.api.payout import RecordDisbursement
    from infra.auth import Principal
    from infra.errors import Conflict
    from infra.uow import UnitOfWork
    from services.payout.service_layer import stages

    clerk = Principal(subject="wang@140400.city_finance_bureau", role="city_finance_bureau",
                      organisation="140400.city_finance_bureau", region="140400")
    with Stack(settings, databases, services=("payout",)) as stack:
        stage_id = approved_stage(stack)
        runtime = stack.runtimes["payout"]
        outcome: dict[str, object] = {}

        def second() -> None:
            with UnitOfWork(runtime, actor=clerk.as_actor()) as uow:
                try:
                    stages.disburse(uow, clerk, stage_id, RecordDisbursement(bank_reference="B-2", disbursed_on=TODAY))
                    uow.commit()
                    outcome["second"] = "paid"
                except Conflict as refused:
                    outcome["second"] = refused.message

        with UnitOfWork(runtime, actor=clerk.as_actor()) as first:
            stages.disburse(first, clerk, stage_id, RecordDisbursement(bank_reference="B-1", disbursed_on=TODAY))
            racer = threading.Thread(target=second)
            racer.start()
            racer.join(timeout=1.0)  # the second is blocked on the stage row (or SQLite's write lock)
            assert racer.is_alive()
            first.commit()
        racer.join()
        assert "不能登记拨付" in str(outcome["second"])
        assert _disbursements(stack, stage_id) == 1
        assert journal_balanced(stack) and replay_matches(stack)
