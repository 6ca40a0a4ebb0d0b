"""Append-only, hash-chained audit records, written in the same transaction as the state change.

Each record's hash covers its content and the previous record's hash. Appends are serialised
by locking the single `audit_head` row, so concurrent transactions cannot fork the chain.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from infra.clock import as_utc
from infra.tables import InfraTables

GENESIS = "0" * 64


def canonical(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def record_hash(prev_hash: str, record: dict[str, Any]) -> str:
    fields = {k: record[k] for k in AUDITED_FIELDS}
    fields["occurred_at"] = as_utc(record["occurred_at"]).isoformat()
    material = prev_hash + json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(material.encode()).hexdigest()


AUDITED_FIELDS = (
    "seq",
    "occurred_at",
    "actor",
    "role",
    "organisation",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "request_id",
)


def append(conn: Connection, tables: InfraTables, record: dict[str, Any]) -> dict[str, Any]:
    head = conn.execute(
        select(tables.audit_head).where(tables.audit_head.c.id == 1).with_for_update()
    ).first()
    if head is None:
        conn.execute(insert(tables.audit_head).values(id=1, last_seq=0, last_hash=GENESIS))
        last_seq, last_hash = 0, GENESIS
    else:
        last_seq, last_hash = head.last_seq, head.last_hash
    row = dict(record, seq=last_seq + 1, prev_hash=last_hash)
    row["hash"] = record_hash(last_hash, row)
    conn.execute(insert(tables.audit_log).values(**row))
    conn.execute(
        update(tables.audit_head).where(tables.audit_head.c.id == 1).values(last_seq=row["seq"], last_hash=row["hash"])
    )
    return row


@dataclass(frozen=True)
class ChainReport:
    records: int
    first_broken_seq: int | None
    reason: str | None

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


def verify(conn: Connection, tables: InfraTables) -> ChainReport:
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for row in conn.execute(select(tables.audit_log).order_by(tables.audit_log.c.seq)).mappings():
        count += 1
        if row["seq"] != expected_seq:
            return ChainReport(count, expected_seq, f"记录 {expected_seq} 缺失 (found {row['seq']})")
        if row["prev_hash"] != prev_hash:
            return ChainReport(count, row["seq"], "prev_hash 与上一条记录不符")
        if record_hash(prev_hash, dict(row)) != row["hash"]:
            return ChainReport(count, row["seq"], "内容与哈希不符 (record content was altered)")
        prev_hash, expected_seq = row["hash"], expected_seq + 1
    head = conn.execute(select(tables.audit_head)).first()
    if head is not None and (head.last_seq != count or head.last_hash != prev_hash):
        return ChainReport(count, count + 1 if head.last_seq > count else head.last_seq, "链尾与 audit_head 不符 (records removed)")
    return ChainReport(count, None, None)


def audit_fields(occurred_at: datetime, **kwargs: Any) -> dict[str, Any]:
    return {"occurred_at": occurred_at, **kwargs}
