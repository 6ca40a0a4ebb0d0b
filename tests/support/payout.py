"""Helpers for payout tests: a plan opened as the workflow would, finance callers, ledger reads."""
from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select

from tests.support.tokens import make_uscc

CITY = "140400"
COUNTY = "140423"


def recipient(region: str = COUNTY, uscc: str | None = None) -> dict[str, Any]:
    return {"uscc": uscc or make_uscc(region), "name": "长治测试企业", "kind": "enterprise", "region": region}


def determination(clause_id: str = "ckf2022-8.3", amount_fen: int = 10_000_000, **extra: Any) -> dict[str, Any]:
    body = {"clause_id": clause_id, "amount_fen": amount_fen,
            "citation": {"document_number": "长科发〔2022〕5号", "clause_number": "8.3"}}
    if clause_id == "ckf2022-8.3":
        body["project_id"] = f"HT-{uuid.uuid4().hex[:8]}"
    body.update(extra)
    return body


def open_plan_body(who: dict[str, Any] | None = None, **det: Any) -> dict[str, Any]:
    return {"case_id": f"CASE-{uuid.uuid4().hex[:10]}", "recipient": who or recipient(), "determination": determination(**det)}


def finance(stack, person: str, role: str = "city_finance_bureau", region: str = CITY):  # type: ignore[no-untyped-def]
    organisation = f"{region}.{role}"
    return stack.client("payout", role, organisation, region=region, subject=f"{person}@{organisation}")


def approved_stage(stack, body: dict[str, Any] | None = None) -> str:  # type: ignore[no-untyped-def]
    """A plan opened as the workflow would; its first stage prepared by one officer and approved by another."""
    with stack.client("payout", "workflow", "duixian") as wf:
        opened = wf.post("/internal/payout-plans", json=body or open_plan_body())
        assert opened.status_code == 201, opened.text
        stage_id = wf.get(f"/payout-plans/{opened.json()['plan_id']}").json()["stages"][0]["id"]
    region = (body or {}).get("recipient", {}).get("region", CITY)[:4] + "00"
    with finance(stack, "zhang", region=region) as zhang, finance(stack, "li", region=region) as li:
        assert zhang.post(f"/payout-stages/{stage_id}/preparation").status_code == 201
        assert li.post(f"/payout-stages/{stage_id}/approval").status_code == 201
    return stage_id


def events(stack, event_type: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    runtime = stack.runtimes["payout"]
    outbox = runtime.tables.outbox
    with runtime.db.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.body, outbox.c.correlation_id).where(outbox.c.event_type == event_type)
                            .order_by(outbox.c.seq)).all()
    return [dict(json.loads(row.body), correlation=row.correlation_id) for row in rows]


def table_rows(stack, table: str) -> list[Any]:  # type: ignore[no-untyped-def]
    runtime = stack.runtimes["payout"]
    with runtime.db.engine.connect() as conn:
        return list(conn.execute(select(runtime.metadata.tables[table])).all())


def journal_balanced(stack) -> bool:  # type: ignore[no-untyped-def]
    entries: dict[str, int] = {}
    for line in table_rows(stack, "journal_lines"):
        entries[line.entry_id] = entries.get(line.entry_id, 0) + line.amount_fen
    return all(total == 0 for total in entries.values())


def replay_matches(stack) -> bool:  # type: ignore[no-untyped-def]
    replayed: dict[str, int] = {}
    for line in table_rows(stack, "journal_lines"):
        replayed[line.account] = replayed.get(line.account, 0) + line.amount_fen
    stored = {row.code: row.balance_fen for row in table_rows(stack, "ledger_accounts")}
    return {k: v for k, v in replayed.items() if v} == {k: v for k, v in stored.items() if v}
