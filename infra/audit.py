"""Append-only audit records chained with HMAC-SHA256, written in the same transaction as the state change.

Each record's `hash` is an HMAC-SHA256, under the services' AUDIT_KEY, of its content, the id of that key and
the previous record's hash: without the key nobody can append, alter or rewrite records that verify. A record
names the key that signed it (`key_id`), so the key can rotate: retired keys stay configured for verification
(AUDIT_RETIRED_KEYS). Records written before the chain was keyed carry no key id and verify as the plain
SHA-256 chain they were written as; they are only as strong as before. `audit_head.keyed_from_seq` records the
first keyed record, and no unkeyed record may follow it.

Appends are serialised by locking the single `audit_head` row, so concurrent transactions cannot fork the chain.
The head is also published as checkpoints that the other services keep (infra/audit_checkpoints.py): `verify`
compares the chain with them, which is what catches a cut tail or a rewrite by someone holding the key.
What this covers and what it does not: docs/audit.md.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from infra.clock import as_utc
from infra.settings import DEVELOPMENT_AUDIT_KEY, MIN_PRODUCTION_SECRET_BYTES, Settings
from infra.tables import InfraTables

# An audit record: the dict being appended, or a row read back from audit_log.
Record = Mapping[str, Any] | RowMapping

GENESIS = "0" * 64
_KEY_ID_LABEL = b"duixian audit key id"

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


def canonical(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def key_id(key: bytes) -> str:
    """A key's public name: 16 hex digits of an HMAC under it, which tell nothing of the key itself."""
    return hmac.new(key, _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class AuditKeys:
    signing_id: str
    by_id: Mapping[str, bytes]

    @classmethod
    def from_settings(cls, settings: Settings) -> AuditKeys:
        """The keys of the settings; in production a key anyone could know or guess is refused (the services
        check at start, `infra.web.create_service_app`, so they never run with it)."""
        secret = settings.audit_key.get_secret_value()
        if settings.environment == "production" and (
                secret == DEVELOPMENT_AUDIT_KEY or len(secret.encode()) < MIN_PRODUCTION_SECRET_BYTES):
            raise ValueError(f"production requires an AUDIT_KEY of at least {MIN_PRODUCTION_SECRET_BYTES} bytes, "
                             "not the development key")
        current = secret.encode()
        keys = [current, *(retired.get_secret_value().encode() for retired in settings.audit_retired_keys)]
        return cls(key_id(current), {key_id(key): key for key in keys})

    @property
    def signing_key(self) -> bytes:
        return self.by_id[self.signing_id]


def _material(prev_hash: str, record: Record, signed_by: str | None = None) -> bytes:
    fields = {k: record[k] for k in AUDITED_FIELDS}
    fields["occurred_at"] = as_utc(record["occurred_at"]).isoformat()
    if signed_by is not None:
        fields["key_id"] = signed_by
    return (prev_hash + json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str)).encode()


def plain_hash(prev_hash: str, record: Record) -> str:
    """The unkeyed link of records written before the chain was keyed (anyone can recompute it)."""
    return hashlib.sha256(_material(prev_hash, record)).hexdigest()


def record_mac(key: bytes, signed_by: str, prev_hash: str, record: Record) -> str:
    return hmac.new(key, _material(prev_hash, record, signed_by), hashlib.sha256).hexdigest()


def append(conn: Connection, tables: InfraTables, record: dict[str, Any], keys: AuditKeys) -> dict[str, Any]:
    head = conn.execute(
        select(tables.audit_head).where(tables.audit_head.c.id == 1).with_for_update()
    ).first()
    if head is None:
        conn.execute(insert(tables.audit_head).values(id=1, last_seq=0, last_hash=GENESIS, checkpoint_seq=0))
        last_seq, last_hash, keyed_from = 0, GENESIS, None
    else:
        last_seq, last_hash, keyed_from = head.last_seq, head.last_hash, head.keyed_from_seq
    row = dict(record, seq=last_seq + 1, prev_hash=last_hash, key_id=keys.signing_id)
    row["hash"] = record_mac(keys.signing_key, keys.signing_id, last_hash, row)
    conn.execute(insert(tables.audit_log).values(**row))
    moved = {"last_seq": row["seq"], "last_hash": row["hash"]}
    if keyed_from is None:
        moved["keyed_from_seq"] = row["seq"]
    conn.execute(update(tables.audit_head).where(tables.audit_head.c.id == 1).values(**moved))
    return row


@dataclass(frozen=True)
class Checkpoint:
    """A chain head that `service` published and another service (`keeper`) holds."""

    service: str
    seq: int
    hash: str
    keeper: str


@dataclass(frozen=True)
class ChainReport:
    records: int
    first_broken_seq: int | None
    reason: str | None
    unkeyed: int = 0  # records written before the chain was keyed: plain SHA-256 links only
    checkpoints: int = 0  # checkpoints kept by other services that the chain agrees with
    latest_checkpoint: int | None = None

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


def _record_problem(row: Record, prev_hash: str, keyed_from: int | None, keys: AuditKeys) -> str | None:
    if row["prev_hash"] != prev_hash:
        return "prev_hash 与上一条记录不符"
    if row["key_id"] is None:
        if keyed_from is not None and row["seq"] >= keyed_from:
            return f"未以密钥签署, 而审计链自 seq={keyed_from} 起须以密钥签署 (unkeyed record in the keyed chain)"
        if plain_hash(prev_hash, row) != row["hash"]:
            return "内容与哈希不符 (record content was altered)"
        return None
    if keyed_from is None or row["seq"] < keyed_from:
        return f"密钥签署的记录早于 audit_head 记载的启用点 seq={keyed_from} (audit_head altered)"
    key = keys.by_id.get(row["key_id"])
    if key is None:
        return f"签署密钥 {row['key_id']} 未配置 (AUDIT_KEY / AUDIT_RETIRED_KEYS)"
    if not hmac.compare_digest(record_mac(key, row["key_id"], prev_hash, row), row["hash"]):
        return "HMAC 不符: 记录被改动, 或由不持有审计密钥者写入 (altered or forged without the key)"
    return None


def verify(conn: Connection, tables: InfraTables, keys: AuditKeys, checkpoints: Iterable[Checkpoint] = ()) -> ChainReport:
    """Walk the chain from the genesis, then hold it against the checkpoints other services keep."""
    checkpoints = sorted(checkpoints, key=lambda c: (c.seq, c.keeper))
    wanted, held = {c.seq for c in checkpoints}, {}
    head = conn.execute(select(tables.audit_head).where(tables.audit_head.c.id == 1)).first()
    keyed_from = head.keyed_from_seq if head is not None else None
    prev_hash, count, unkeyed = GENESIS, 0, 0
    for row in conn.execute(select(tables.audit_log).order_by(tables.audit_log.c.seq)).mappings():
        count += 1
        if row["seq"] != count:
            return ChainReport(count, count, f"记录 {count} 缺失 (found {row['seq']})")
        problem = _record_problem(row, prev_hash, keyed_from, keys)
        if problem is not None:
            return ChainReport(count, row["seq"], problem)
        unkeyed += row["key_id"] is None
        if row["seq"] in wanted:
            held[row["seq"]] = row["hash"]
        prev_hash = row["hash"]
    if head is not None and (head.last_seq != count or head.last_hash != prev_hash):
        return ChainReport(count, count + 1 if head.last_seq > count else head.last_seq, "链尾与 audit_head 不符 (records removed)")
    for checkpoint in checkpoints:
        if checkpoint.seq > count:
            return ChainReport(count, count + 1, f"{checkpoint.keeper} 保存的检查点 seq={checkpoint.seq} 超出链尾 "
                                                 f"(共 {count} 条): 其后的记录被删除 (tail cut)")
        if not hmac.compare_digest(held[checkpoint.seq], checkpoint.hash):
            return ChainReport(count, checkpoint.seq, f"与 {checkpoint.keeper} 保存的检查点 seq={checkpoint.seq} 不符: "
                                                      f"审计链被改写 (rewritten)")
    return ChainReport(count, None, None, unkeyed, len(checkpoints), checkpoints[-1].seq if checkpoints else None)

