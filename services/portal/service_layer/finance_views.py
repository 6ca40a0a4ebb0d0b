"""Page logic of the finance bureau's views: 拨付台账 (the stage register, as a table and as files), 预算执行
with the payables still owed, one recipient's history, and the reference data finance loads — a fund's
yearly budget (元, read exactly into fen) and a clause's city/county split in a county (%, into basis points)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from infra.clock import beijing_today
from policies.catalogue import load_catalogue
from policies.registry import load_registry
from services.portal.adapters import finance
from services.portal.adapters.services import ServiceClients, ServiceRefused
from services.portal.domain.directory import DirectoryEntry
from services.portal.domain.money import NotAnAmount, basis_points_of, fen_of, percent_of
from services.portal.service_layer.applications import submission_id_of
from services.portal.service_layer.catalogue import reasons
from services.portal.service_layer.finance_stages import ACTING_ROLES, TABS, StageView, clause_zh, fund_zh, region_zh
from services.portal.service_layer.referrals import Form

REGISTER_LIMIT = 500  # the page shows this many; the file holds every stage


def year_of(text: str | None) -> int | None:
    """A year from the query string, or None when it is missing or not a plausible year."""
    return int(text) if text and text.isdigit() and 2000 <= int(text) <= 2100 else None


@dataclass
class RegisterPage:
    year: int | None
    status: str | None
    stages: list[StageView]
    tabs: tuple[tuple[str, str], ...] = TABS

    @property
    def truncated(self) -> bool:
        return len(self.stages) >= REGISTER_LIMIT

    @property
    def total_fen(self) -> int:
        return sum(v.stage.amount_fen for v in self.stages)


def register_page(clients: ServiceClients, user: DirectoryEntry, year: int | None, status: str | None) -> RegisterPage:
    status = status if status in dict(TABS) else None
    rows = finance.stages(clients, user, status=status, year=year, limit=REGISTER_LIMIT)
    return RegisterPage(year, status, [StageView(s) for s in rows])


@dataclass(frozen=True)
class FundRow:
    execution: finance.FundExecution

    @property
    def fund(self) -> str:
        return fund_zh(self.execution.fund_id)

    @property
    def rate(self) -> str:
        """Committed against the budget, as a percentage with one decimal; — without a budget."""
        budget = self.execution.budget_fen
        if not budget:
            return "—"
        return f"{(Decimal(self.execution.committed_fen) * 100 / budget).quantize(Decimal('0.1'))}%"


@dataclass
class ExecutionPage:
    year: int
    funds: list[FundRow]
    payables: list[finance.PayableGroup]


def execution_page(clients: ServiceClients, user: DirectoryEntry, year: int | None) -> ExecutionPage:
    year = year or beijing_today().year
    return ExecutionPage(year, [FundRow(f) for f in finance.budget_execution(clients, user, year)],
                         finance.payables(clients, user))


@dataclass
class RecipientPage:
    history: finance.RecipientHistory
    stages: list[StageView]

    def account_zh(self, account: str) -> str:
        """payout's ledger accounts as a finance clerk names them: fund:city:140400:2026 → 长治市财政资金（2026年度）,
        payable:<USCC> → 应付收款单位款项, recovery:<USCC> → 应收追回款项, bank → 银行存款; anything else as it is."""
        kind, _, rest = account.partition(":")
        if kind == "fund" and rest.count(":") == 2:
            fund, _, year = rest.rpartition(":")
            return f"{fund_zh(fund)}（{year}年度）"
        return {"payable": "应付收款单位款项", "recovery": "应收追回款项", "bank": "银行存款"}.get(kind, account)


def recipient_page(clients: ServiceClients, user: DirectoryEntry, uscc: str) -> RecipientPage:
    history = finance.recipient_history(clients, user, uscc)
    return RecipientPage(history, [StageView(s) for s in history.stages])


# ---- budgets and cost shares ---------------------------------------------------------------

@dataclass
class BudgetsPage:
    year: int
    may_load: bool
    may_share: bool
    funds: list[tuple[str, str]]  # (fund id, name) the user may load a budget for
    counties: list[tuple[str, str]]
    clauses: list[tuple[str, str]]  # clauses whose text says 市县财政分担
    budgets: list[FundRow]
    shares: list[finance.CostShare]
    budget_form: Form = field(default_factory=Form)
    share_form: Form = field(default_factory=Form)

    def county_zh(self, code: str) -> str:
        return region_zh(code)

    def clause_zh(self, clause_id: str) -> str:
        return clause_zh(clause_id)

    def percent(self, points: int) -> str:
        return percent_of(points)


def _counties(user: DirectoryEntry) -> list[tuple[str, str]]:
    region = user.region or ""
    if user.role == "county_finance":
        return [(region, region_zh(region))]
    if user.role != "city_finance_bureau" or not region.endswith("00"):
        return []
    return sorted((r.code, r.name_zh) for r in load_registry().regions.values()
                  if r.code and r.code.startswith(region[:4]) and not r.code.endswith("00"))


def budgets_page(clients: ServiceClients, user: DirectoryEntry, year: int | None) -> BudgetsPage:
    year = year or beijing_today().year
    counties = _counties(user)
    funds = ([(f"city:{user.region}", fund_zh(f"city:{user.region}"))] if user.role == "city_finance_bureau" else [])
    funds += [(f"county:{code}", fund_zh(f"county:{code}")) for code, _ in counties]
    clauses = [(c.id, clause_zh(c.id)) for c in load_catalogue() if c.cost_sharing is not None]
    budgets = [FundRow(f) for f in finance.budget_execution(clients, user, year) if f.budget_fen is not None]
    page = BudgetsPage(year, user.role in ACTING_ROLES, user.role == "city_finance_bureau", funds,
                       counties if user.role == "city_finance_bureau" else [], clauses, budgets, finance.cost_shares(clients, user))
    page.budget_form.values["year"] = str(year)
    return page


@dataclass(frozen=True)
class Loaded:
    what: str  # budget or share
    year: int


def _read(form_data: Any, names: tuple[str, ...]) -> Form:
    form = Form({name: str(form_data.get(name) or "").strip() for name in names}, submission_id=submission_id_of(form_data))
    for name in names:
        if not form.values[name]:
            form.errors[name] = "请填写此项"
    return form


def _place(form: Form, refused: ServiceRefused, field_of: dict[str, str]) -> None:
    for path, reason in reasons(refused).items():
        name = field_of.get(path.split(".")[-1])
        if name:
            form.errors[name] = reason
        else:
            form.refusal = reason
    if not form.errors and form.refusal is None:
        form.refusal = refused.error.message


def _sent(clients: ServiceClients, user: DirectoryEntry, form: Form, what: str, body: dict[str, Any],
          field_of: dict[str, str]) -> bool:
    """Sent to payout when the form has no error; its refusal placed beside the fields (`field_of`) or above."""
    if form.errors:
        return False
    try:
        finance.load(clients, user, what, body, submission_id=form.submission_id)
    except ServiceRefused as refused:
        _place(form, refused, field_of)
        return False
    return True


def load_budget(clients: ServiceClients, user: DirectoryEntry, form_data: Any) -> BudgetsPage | Loaded:
    form = _read(form_data, ("fund_id", "year", "amount_yuan"))
    year = year_of(form.value("year"))
    if year is None and "year" not in form.errors:
        form.errors["year"] = "请填写年度，如 2026"
    amount = None
    if "amount_yuan" not in form.errors:
        try:
            amount = fen_of(form.value("amount_yuan"))
        except NotAnAmount as wrong:
            form.errors["amount_yuan"] = wrong.reason
    body = {"fund_id": form.value("fund_id"), "year": year, "amount_fen": amount}
    if year is not None and _sent(clients, user, form, "budgets", body,
                                  {"fund_id": "fund_id", "year": "year", "amount_fen": "amount_yuan"}):
        return Loaded("budget", year)
    page = budgets_page(clients, user, year)
    page.budget_form = form
    return page


def load_cost_share(clients: ServiceClients, user: DirectoryEntry, form_data: Any) -> BudgetsPage | Loaded:
    form = _read(form_data, ("clause_id", "county", "city_share_percent"))
    points = None
    if "city_share_percent" not in form.errors:
        try:
            points = basis_points_of(form.value("city_share_percent"))
        except NotAnAmount as wrong:
            form.errors["city_share_percent"] = wrong.reason
    body = {"clause_id": form.value("clause_id"), "county": form.value("county"), "city_share_bp": points}
    if _sent(clients, user, form, "cost-shares", body,
             {"clause_id": "clause_id", "county": "county", "city_share_bp": "city_share_percent"}):
        return Loaded("share", beijing_today().year)
    page = budgets_page(clients, user, None)
    page.share_form = form
    return page
