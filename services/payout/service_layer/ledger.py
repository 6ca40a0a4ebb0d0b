"""The ledger's I/O: journal postings, account balances, cap counters and budgets, under row locks.

Locking: PostgreSQL takes `SELECT ... FOR UPDATE` on the stage, cap counter and budget rows a change
depends on; SQLite transactions start with BEGIN IMMEDIATE (infra.db), which serialises writers.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select as sa_select
from sqlmodel import col, select

from contracts.common import ApplicantRef, DeterminationRef
from infra.clock import utcnow
from infra.db import insert_if_absent, table_of
from infra.errors import Conflict, DataUnavailable, InvalidRequest
from infra.uow import UnitOfWork
from policies.beijing import in_beijing
from policies.catalogue import load_catalogue
from policies.catalogue.models import Cap, Clause
from policies.money import format_yuan
from policies.registry import load_registry
from services.payout.adapters.orm import Budget, CapCounter, CostShare, JournalEntry, JournalLine, LedgerAccount
from services.payout.domain import ledger
from services.payout.domain.ledger import Line


class CapExceeded(Conflict):
    code = "cap_exceeded"


class BudgetExceeded(Conflict):
    code = "budget_exceeded"


def current_year(now: datetime | None = None) -> int:
    return in_beijing(now or utcnow()).year


def clause_of(clause_id: str, field: str = "determination.clause_id") -> Clause:
    catalogue = load_catalogue()
    if clause_id not in catalogue:
        raise InvalidRequest.on(field, f"未知条款 {clause_id}: 不在政策目录中", clause_id=clause_id)
    return catalogue.get(clause_id)


# ---- journal ---------------------------------------------------------------------------------

def post(uow: UnitOfWork, kind: str, lines: list[Line], *, stage_id: str | None, plan_id: str | None,
         memo: str = "") -> str:
    """Write one balanced entry and move the accounts' running balances (rows locked)."""
    lines = ledger.balanced(lines)
    entry_id = f"JE-{uuid.uuid4().hex[:20].upper()}"
    uow.session.add(JournalEntry(id=entry_id, kind=kind, stage_id=stage_id, plan_id=plan_id, memo=memo[:500],
                                 posted_by=uow.actor.subject, posted_at=utcnow()))
    uow.session.flush()
    for line in sorted(lines, key=lambda x: x.account):
        uow.session.add(JournalLine(entry_id=entry_id, account=line.account, amount_fen=line.amount_fen))
        insert_if_absent(uow.session, table_of(LedgerAccount), {"code": line.account, "balance_fen": 0})
        account = uow.session.exec(select(LedgerAccount).where(LedgerAccount.code == line.account)
                                   .with_for_update()).one()
        account.balance_fen += line.amount_fen
        uow.session.add(account)
    uow.session.flush()
    return entry_id


def balances(uow: UnitOfWork) -> dict[str, int]:
    return {a.code: a.balance_fen for a in uow.session.exec(select(LedgerAccount)) if a.balance_fen != 0}


def replayed_balances(uow: UnitOfWork) -> dict[str, int]:
    rows = uow.session.execute(sa_select(col(JournalLine.entry_id), col(JournalLine.account), col(JournalLine.amount_fen)))
    entries: dict[str, list[Line]] = {}
    for entry_id, account, amount in rows:
        entries.setdefault(entry_id, []).append(Line(account, amount))
    return ledger.replay(entries.values())


# ---- caps ------------------------------------------------------------------------------------

def _cap_scope_key(clause: Clause, cap: Cap, det: DeterminationRef, entity_id: str) -> str:
    option = cap.option or "*"
    base = f"{cap.name}|{cap.scope}|{clause.benefit_id}|{option}"
    if cap.scope in ("per_item", "per_deal", "per_project_cumulative"):
        if not det.project_id:
            raise InvalidRequest.on("determination.project_id", f"条款 {clause.id} 的上限「{cap.title_zh}」按项目计算, 须提供项目编号")
        return f"{base}|{det.project_id}"
    if cap.scope == "per_entity_per_year":
        if det.year is None:
            raise InvalidRequest.on("determination.year", f"条款 {clause.id} 的上限「{cap.title_zh}」按年度计算, 须提供年度")
        return f"{base}|{entity_id}|{det.year}"
    if cap.scope == "per_entity_cumulative":
        return f"{base}|{entity_id}"
    raise AssertionError(cap.scope)


def reserve_caps(uow: UnitOfWork, clause: Clause, det: DeterminationRef, recipient: ApplicantRef,
                 amount_fen: int) -> list[str]:
    """Count `amount_fen` against every cap of the clause, each under a row lock; refuse over a cap.

    Caps come from the catalogue (policies/), never from the request. Returns the counter keys used."""
    entity_id = det.entity_id or recipient.uscc
    keys: list[tuple[str, Cap]] = []
    for cap in clause.caps:
        if cap.scope == "none" or (cap.option is not None and cap.option != det.option):
            continue
        limit = (cap.amount_yuan or 0) * 100
        if cap.scope == "per_award":
            if amount_fen > limit:
                raise CapExceeded(f"超过上限「{cap.title_zh}」: 本次 {format_yuan(amount_fen)} 元, 上限 {format_yuan(limit)} 元",
                                  cap=cap.name, cap_zh=cap.title_zh, limit_fen=limit, requested_fen=amount_fen)
            continue
        keys.append((_cap_scope_key(clause, cap, det, entity_id), cap))
    used_keys = []
    for key, cap in sorted(keys, key=lambda kc: kc[0]):  # one lock order: no deadlocks between requests
        limit = (cap.amount_yuan or 0) * 100
        insert_if_absent(uow.session, table_of(CapCounter), {"key": key, "cap_name": cap.name, "limit_fen": limit, "used_fen": 0})
        counter = uow.session.exec(select(CapCounter).where(CapCounter.key == key).with_for_update()).one()
        if counter.used_fen + amount_fen > limit:
            raise CapExceeded(
                f"超过上限「{cap.title_zh}」: 已计入 {format_yuan(counter.used_fen)} 元, 本次 {format_yuan(amount_fen)} 元, "
                f"上限 {format_yuan(limit)} 元",
                cap=cap.name, cap_zh=cap.title_zh, limit_fen=limit, used_fen=counter.used_fen,
                requested_fen=amount_fen, key=key)
        counter.used_fen += amount_fen
        uow.session.add(counter)
        used_keys.append(key)
    uow.session.flush()
    return used_keys


def release_caps(uow: UnitOfWork, keys: list[str], amount_fen: int) -> None:
    for key in sorted(keys):
        counter = uow.session.exec(select(CapCounter).where(CapCounter.key == key).with_for_update()).first()
        if counter is not None:
            counter.used_fen = max(0, counter.used_fen - amount_fen)
            uow.session.add(counter)


# ---- funds, cost sharing, budgets ------------------------------------------------------------

def city_fund(region: str) -> str:
    return f"city:{region[:4]}00"


def county_fund(region: str) -> str:
    return f"county:{region}"


FUND_DEPARTMENT = {"city": "city_finance_bureau", "county": "county_finance"}


def fund_department_zh(fund_id: str) -> str:
    """The finance department that pays from a fund: city:140400 → 长治市财政局."""
    kind, _, region = fund_id.partition(":")
    return load_registry().organisation_zh(f"{region}.{FUND_DEPARTMENT.get(kind, kind)}")


def funding_for(uow: UnitOfWork, clause: Clause, region: str, amount_fen: int) -> list[tuple[str, int]]:
    """Which funds pay a stage. A clause whose text says 市县财政分担 needs the loaded split for the
    recipient's county; without it the ledger refuses — it never invents a ratio."""
    if clause.cost_sharing is None:
        return [(city_fund(region), amount_fen)]
    share = uow.session.get(CostShare, (clause.id, region))
    if share is None:
        raise DataUnavailable(
            f"条款 {clause.id}({clause.document_number} {clause.clause_number})规定由市县财政分担, "
            f"但尚未载入该条款在县(区) {region} 的分担比例; 请财政局先载入分担比例",
            missing="cost_share", clause_id=clause.id, county=region)
    city, county = ledger.split_cost(amount_fen, share.city_share_bp)
    return [(fund, amount) for fund, amount in ((city_fund(region), city), (county_fund(region), county)) if amount > 0]


def check_budgets(uow: UnitOfWork, funding: list[tuple[str, int]], year: int) -> None:
    """Where finance loaded a budget for the fund and year, committed spending may not exceed it."""
    for fund, amount in sorted(funding):
        budget = uow.session.exec(select(Budget).where(Budget.fund_id == fund, Budget.year == year)
                                  .with_for_update()).first()
        if budget is None:
            continue
        account = uow.session.get(LedgerAccount, ledger.fund_account(fund, year))
        committed = account.balance_fen if account else 0
        if committed + amount > budget.amount_fen:
            raise BudgetExceeded(
                f"资金来源 {fund} {year} 年预算不足: 预算 {format_yuan(budget.amount_fen)} 元, 已安排 "
                f"{format_yuan(committed)} 元, 本次 {format_yuan(amount)} 元",
                fund_id=fund, year=year, budget_fen=budget.amount_fen, committed_fen=committed, requested_fen=amount)
