"""Tier tables (表1–表6 of 晋工信新材料规字〔2024〕1号): the seeds cite them without values, so an
admin loads each one with the source it was transcribed from. Until then, a clause that needs a
table cannot be determined and says which table is missing. Each load is a new version."""
from __future__ import annotations

from sqlmodel import col, func, select

from contracts.api.review import TierTablePublic
from infra.auth import Principal
from infra.clock import utcnow
from infra.errors import InvalidRequest
from infra.uow import UnitOfWork
from policies.tables import TierTable, TierTables
from services.review.adapters.orm import TierTableRecord


def load(uow: UnitOfWork, principal: Principal, table: TierTable) -> TierTablePublic:
    if table.test_data:
        raise InvalidRequest.on("test_data", "测试数据不得载入正式系统")
    latest = uow.session.exec(
        select(func.max(TierTableRecord.version)).where(
            TierTableRecord.document_number == table.document_number, TierTableRecord.table_name == table.table
        )
    ).one()
    record = TierTableRecord(
        document_number=table.document_number,
        table_name=table.table,
        version=(latest or 0) + 1,
        body=table.model_dump(mode="json"),
        source_note=table.source_note,
        loaded_by=principal.subject,
        loaded_at=utcnow(),
    )
    uow.session.add(record)
    uow.audit("tier_table.load", "tier_table", f"{table.document_number}/{table.table}",
              after={"version": record.version, "source_note": table.source_note, "rows": len(table.rows)})
    return _public(record)


def current(uow: UnitOfWork) -> TierTables:
    """The newest version of every loaded table, as the calculator takes them."""
    return TierTables(TierTable.model_validate(record.body) for record in _newest(uow))


def listing(uow: UnitOfWork) -> list[TierTablePublic]:
    return [_public(record) for record in _newest(uow)]


def _newest(uow: UnitOfWork) -> list[TierTableRecord]:
    records = uow.session.exec(select(TierTableRecord).order_by(col(TierTableRecord.version).desc())).all()
    newest: dict[tuple[str, str], TierTableRecord] = {}
    for record in records:
        newest.setdefault((record.document_number, record.table_name), record)
    return sorted(newest.values(), key=lambda r: (r.document_number, r.table_name))


def _public(record: TierTableRecord) -> TierTablePublic:
    return TierTablePublic(table=TierTable.model_validate(record.body), version=record.version,
                           loaded_by=record.loaded_by, loaded_at=record.loaded_at)
