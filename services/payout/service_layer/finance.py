"""The finance bureau's views over the ledger, the bank-batch export, and the reference data finance
loads (budgets per fund and year, city/county cost shares per clause and county)."""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from sqlmodel import col, select

from contracts.api.payout import (
    BudgetPublic,
    CostSharePublic,
    FundExecution,
    JournalEntryPublic,
    JournalLinePublic,
    LoadBudget,
    LoadCostShare,
    PayableGroup,
    PayoutStagePublic,
    RecipientHistory,
    StageStatus,
)
from contracts.events.payout import BudgetLoaded
from infra.auth import Principal
from infra.clock import utcnow
from infra.errors import Forbidden, InvalidRequest, NotFound
from infra.exports import Column, Table, total_row
from infra.scope import scoped
from infra.uow import UnitOfWork
from policies.beijing import beijing_minute
from policies.catalogue import load_catalogue
from policies.money import format_yuan
from services.payout.adapters.orm import Budget, CostShare, JournalEntry, JournalLine, LedgerAccount, PayoutPlan, PayoutStage
from services.payout.domain import ledger
from services.payout.domain.plan import STATUS_ZH
from services.payout.service_layer import ledger as ledger_io
from services.payout.service_layer.scope import plan_filter
from services.payout.service_layer.stages import list_stages, public, shown_to

if TYPE_CHECKING:
    pass

OUTSTANDING = (StageStatus.PENDING, StageStatus.PREPARED, StageStatus.APPROVED, StageStatus.FAILED)
PAYABLE = (StageStatus.APPROVED, StageStatus.FAILED)


def _region_prefix(principal: Principal) -> str | None:
    """None: every fund; else the region prefix of the funds the caller may act on."""
    if principal.role in ("auditor", "workflow"):
        return None
    if principal.region is None:
        return "-"
    return principal.region[:4] if principal.region.endswith("00") else principal.region


def _fund_in_scope(principal: Principal, fund_id: str) -> bool:
    prefix = _region_prefix(principal)
    if prefix is None:
        return True
    kind, region = fund_id.split(":", 1)
    if principal.role == "county_finance" and kind != "county":
        return False
    return region.startswith(prefix)


def outstanding_payables(uow: UnitOfWork, principal: Principal) -> list[PayableGroup]:
    catalogue = load_catalogue()
    query = scoped(select(PayoutStage, PayoutPlan).join(PayoutPlan, col(PayoutPlan.id) == col(PayoutStage.plan_id))
                   .where(col(PayoutStage.status).in_(OUTSTANDING)), plan_filter(principal))
    groups: dict[tuple[str, str, str], PayableGroup] = {}
    for stage, plan in uow.session.exec(query):
        clause_id = stage.clause_id or plan.clause_id
        clause = catalogue.get(clause_id) if clause_id in catalogue else None
        department = clause.departments[0] if clause else None
        key = (department.id if department else "unknown", clause_id, plan.region)
        group = groups.setdefault(key, PayableGroup(
            department_id=key[0], department_zh=department.name_zh if department else "未知", clause_id=clause_id,
            clause_zh=f"{clause.document_number} {clause.clause_number} {clause.title_zh}" if clause else clause_id,
            county=plan.region, stages=0, approved_unpaid_fen=0, not_yet_approved_fen=0))
        group.stages += 1
        if stage.status in PAYABLE:
            group.approved_unpaid_fen += stage.amount_fen
        else:
            group.not_yet_approved_fen += stage.amount_fen
    return sorted(groups.values(), key=lambda g: (g.department_id, g.clause_id, g.county))


def budget_execution(uow: UnitOfWork, principal: Principal, year: int | None) -> list[FundExecution]:
    year = year or ledger_io.current_year()
    budgets = {b.fund_id: b.amount_fen for b in uow.session.exec(select(Budget).where(Budget.year == year))}
    committed: dict[str, int] = {}
    suffix = f":{year}"
    for account in uow.session.exec(select(LedgerAccount).where(col(LedgerAccount.code).startswith("fund:"))):
        if account.code.endswith(suffix):
            committed[account.code[len("fund:"):-len(suffix)]] = account.balance_fen
    disbursed: dict[str, int] = defaultdict(int)
    paid = select(PayoutStage).where(PayoutStage.status == StageStatus.DISBURSED)
    for stage in uow.session.exec(paid):
        if stage.disbursed_on is not None and stage.disbursed_on.year == year:
            for fund, amount in stage.funding:
                disbursed[fund] += amount
    funds = sorted(set(budgets) | set(committed) | set(disbursed))
    return [FundExecution(fund_id=f, year=year, budget_fen=budgets.get(f), committed_fen=committed.get(f, 0),
                          disbursed_fen=disbursed.get(f, 0),
                          remaining_fen=None if f not in budgets else budgets[f] - committed.get(f, 0))
            for f in funds if _fund_in_scope(principal, f)]


def recipient_history(uow: UnitOfWork, principal: Principal, uscc: str) -> RecipientHistory:
    query = scoped(select(PayoutStage, PayoutPlan).join(PayoutPlan, col(PayoutPlan.id) == col(PayoutStage.plan_id))
                   .where(PayoutPlan.recipient_uscc == uscc)
                   .order_by(col(PayoutPlan.opened_at), col(PayoutStage.sequence)), plan_filter(principal))
    rows = list(uow.session.exec(query))
    if not rows:
        raise NotFound("该收款单位无拨付记录或不在您的权限范围内", uscc=uscc)
    stage_ids = [stage.id for stage, _ in rows]
    entries = list(uow.session.exec(select(JournalEntry).where(col(JournalEntry.stage_id).in_(stage_ids))
                                    .order_by(col(JournalEntry.posted_at))))
    lines: dict[str, list[JournalLinePublic]] = defaultdict(list)
    if entries:
        for line in uow.session.exec(select(JournalLine).where(col(JournalLine.entry_id).in_([e.id for e in entries]))):
            lines[line.entry_id].append(JournalLinePublic(account=line.account, amount_fen=line.amount_fen))
    stages = [shown_to(principal, public(plan, stage)) for stage, plan in rows]
    department = {s.id: s.finance_department_zh or "" for s in stages}

    def posted_by(entry: JournalEntry) -> str:  # a recipient reads the department, not the official
        return department.get(entry.stage_id or "", "") if principal.role == "enterprise" else entry.posted_by

    return RecipientHistory(
        uscc=uscc, name=rows[0][1].recipient_name, stages=stages,
        journal=[JournalEntryPublic(id=e.id, kind=e.kind, stage_id=e.stage_id, posted_by=posted_by(e), posted_at=e.posted_at,
                                    memo=e.memo, lines=lines[e.id]) for e in entries],
        approved_fen=sum(s.amount_fen for s in stages if s.approved_at),
        disbursed_fen=sum(s.amount_fen for s in stages if s.status == StageStatus.DISBURSED),
        recovered_fen=sum(s.recovered_fen or 0 for s in stages))


# ---- bank batch ------------------------------------------------------------------------------

BATCH_COLUMNS = [Column("序号", 6), Column("拨付分期编号", 24), Column("案件编号", 20), Column("收款单位", 30),
                 Column("统一社会信用代码", 22), Column("所在县(区)", 10), Column("政策条款", 30), Column("期次", 6),
                 Column("金额(元)", 16, money=True), Column("资金来源", 30), Column("审批人", 30), Column("审批时间", 18)]


def _row(i: int, s: PayoutStagePublic) -> list[object]:
    catalogue = load_catalogue()
    clause = catalogue.get(s.clause_id) if s.clause_id in catalogue else None
    clause_zh = f"{clause.document_number} {clause.clause_number}" if clause else s.clause_id
    funding = "; ".join(f"{fund} {format_yuan(amount)}" for fund, amount in s.funding)
    return [i, s.id, s.case_id, s.recipient.name, s.recipient.uscc, s.recipient.region, clause_zh, s.sequence,
            s.amount_fen, funding, s.approved_by or "", beijing_minute(s.approved_at)]


def bank_batch(uow: UnitOfWork, principal: Principal) -> Table:
    """The approved stages the bank pays next, with a 合计 row (count and sum)."""
    stages = list_stages(uow, principal, status=StageStatus.APPROVED, limit=10_000, offset=0)
    total = total_row(BATCH_COLUMNS, f"{len(stages)}笔", {"金额(元)": sum(s.amount_fen for s in stages)})
    return Table("待拨付", BATCH_COLUMNS, [_row(i, stage) for i, stage in enumerate(stages, 1)], total)


# ---- stage register (拨付台账) ------------------------------------------------------------------

REGISTER_COLUMNS = [Column("序号", 6), Column("拨付分期编号", 24), Column("案件编号", 20), Column("收款单位", 30),
                    Column("统一社会信用代码", 22), Column("所在县(区)", 10), Column("政策条款", 30), Column("期次", 6),
                    Column("年度", 8), Column("金额(元)", 16, money=True), Column("状态", 14), Column("资金来源", 30),
                    Column("编制人", 16), Column("编制时间", 18), Column("审批人", 16), Column("审批时间", 18),
                    Column("银行流水号", 22), Column("拨付日期", 12), Column("失败或追回原因", 30),
                    Column("已追回(元)", 16, money=True)]


def stage_register(uow: UnitOfWork, principal: Principal, *, year: int | None, status: StageStatus | None) -> Table:
    """Every stage in the caller's funds, whatever its state, with who prepared and approved it and the
    bank's reference: the register finance and auditors keep, with a 合计 row of amounts and recoveries."""
    stages = list_stages(uow, principal, status=status, year=year, limit=100_000, offset=0)
    rows = [_register_row(i, stage) for i, stage in enumerate(stages, 1)]
    total = total_row(REGISTER_COLUMNS, f"{len(stages)}笔", {"金额(元)": sum(s.amount_fen for s in stages),
                                                               "已追回(元)": sum(s.recovered_fen or 0 for s in stages)})
    return Table(f"{year}年拨付台账" if year else "拨付台账", REGISTER_COLUMNS, rows, total)


def _register_row(i: int, s: PayoutStagePublic) -> list[object]:
    batch = _row(i, s)  # 序号 … 期次 as in the bank batch
    return [*batch[:8], s.year, s.amount_fen, STATUS_ZH[StageStatus(s.status)], batch[9], s.prepared_by or "",
            beijing_minute(s.prepared_at), s.approved_by or "", beijing_minute(s.approved_at), s.bank_reference or "",
            s.disbursed_on.isoformat() if s.disbursed_on else "", s.clawback_reason or s.failure_reason or "",
            s.recovered_fen]


# ---- reference data finance loads ------------------------------------------------------------

def load_budget(uow: UnitOfWork, principal: Principal, command: LoadBudget) -> BudgetPublic:
    if not _fund_in_scope(principal, command.fund_id):
        raise Forbidden("只能载入本级/本辖区资金来源的预算", fund_id=command.fund_id)
    existing = uow.session.exec(select(Budget).where(Budget.fund_id == command.fund_id, Budget.year == command.year)
                                .with_for_update()).first()
    before = {"amount_fen": existing.amount_fen} if existing else None
    budget = existing or Budget(fund_id=command.fund_id, year=command.year, amount_fen=0, loaded_by="", loaded_at=utcnow())
    committed_account = uow.session.get(LedgerAccount, ledger.fund_account(command.fund_id, command.year))
    committed = committed_account.balance_fen if committed_account else 0
    if command.amount_fen < committed:
        raise InvalidRequest.on("amount_fen", f"预算不能低于已审批占用的 {format_yuan(committed)} 元", committed_fen=committed)
    budget.amount_fen, budget.loaded_by, budget.loaded_at = command.amount_fen, principal.subject, utcnow()
    uow.session.add(budget)
    uow.audit("budget.load", "budget", f"{command.fund_id}:{command.year}", before=before,
              after={"amount_fen": command.amount_fen})
    uow.publish(BudgetLoaded(fund_id=budget.fund_id, year=budget.year, amount_fen=budget.amount_fen, loaded_at=budget.loaded_at),
                correlation_id=f"budget:{budget.fund_id}:{budget.year}")
    return BudgetPublic(fund_id=budget.fund_id, year=budget.year, amount_fen=budget.amount_fen, loaded_by=budget.loaded_by,
                        loaded_at=budget.loaded_at)


def cost_shares(uow: UnitOfWork, principal: Principal) -> list[CostSharePublic]:
    """The city/county splits loaded for the counties in the caller's scope."""
    prefix = _region_prefix(principal)
    query = select(CostShare).order_by(col(CostShare.clause_id), col(CostShare.county))
    if prefix is not None:
        query = query.where(col(CostShare.county).startswith(prefix))
    return [CostSharePublic(clause_id=s.clause_id, county=s.county, city_share_bp=s.city_share_bp, loaded_by=s.loaded_by,
                            loaded_at=s.loaded_at) for s in uow.session.exec(query)]


def load_cost_share(uow: UnitOfWork, principal: Principal, command: LoadCostShare) -> CostSharePublic:
    catalogue = load_catalogue()
    if command.clause_id not in catalogue:
        raise InvalidRequest.on("clause_id", f"未知条款 {command.clause_id}: 不在政策目录中")
    clause = catalogue.get(command.clause_id)
    if clause.cost_sharing is None:
        raise InvalidRequest.on("clause_id", f"条款 {clause.id}({clause.document_number} {clause.clause_number})未规定市县财政分担")
    if command.county.endswith("00"):
        raise InvalidRequest.on("county", "须为县(区)行政区划代码, 不能是市级代码")
    if principal.role != "city_finance_bureau" or not command.county.startswith((principal.region or "-")[:4]):
        raise Forbidden("分担比例由本市财政局为其辖区内的县(区)载入", county=command.county)
    existing = uow.session.get(CostShare, (command.clause_id, command.county))
    before = {"city_share_bp": existing.city_share_bp} if existing else None
    share = existing or CostShare(clause_id=command.clause_id, county=command.county, city_share_bp=0, loaded_by="",
                                  loaded_at=utcnow())
    share.city_share_bp, share.loaded_by, share.loaded_at = command.city_share_bp, principal.subject, utcnow()
    uow.session.add(share)
    uow.audit("cost_share.load", "cost_share", f"{command.clause_id}:{command.county}", before=before,
              after={"city_share_bp": command.city_share_bp})
    return CostSharePublic(clause_id=share.clause_id, county=share.county, city_share_bp=share.city_share_bp,
                           loaded_by=share.loaded_by, loaded_at=share.loaded_at)
