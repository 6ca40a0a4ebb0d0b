"""The leaders' cockpit (领导驾驶舱, 长办发〔2020〕17号 第28条) read from the portal's own projection (never from the
services per request): applications by clause, region and status; amounts determined, approved and paid against
the year's budgets; working days per step and department; the selection funnel. For a year (the page) or a
month (the XLSX export), in Beijing time."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Table, select

from contracts.api.review import TASK_KIND_LABELS
from infra.clock import as_utc
from infra.db import Database
from policies.beijing import SHANGHAI
from policies.calendar import WorkingDayCalendar
from policies.catalogue import load_catalogue
from policies.registry import load_registry
from services.portal.adapters.cockpit_tables import budgets, candidacies, cases, stages, steps
from services.portal.domain import cockpit
from services.portal.domain.cockpit import CandidacyFacts, CaseFacts, StepFacts


@dataclass(frozen=True)
class Period:
    """[first, last] in Beijing dates, with how the page names it."""

    first: dt.date
    last: dt.date
    label: str

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        return cls(dt.date(year, month, 1), following - dt.timedelta(days=1), f"{year}年{month}月")

    def holds(self, moment: dt.datetime | dt.date | None) -> bool:
        if moment is None:
            return False
        day = as_utc(moment).astimezone(SHANGHAI).date() if isinstance(moment, dt.datetime) else moment
        return self.first <= day <= self.last


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int
    detail: str = ""


@dataclass(frozen=True)
class Money:
    budget_fen: int
    budget_funds: int
    determined_fen: int
    approved_fen: int
    paid_fen: int
    clawed_back_fen: int

    @property
    def approved_share(self) -> float | None:
        return cockpit.share(self.approved_fen, self.budget_fen)

    @property
    def paid_share(self) -> float | None:
        return cockpit.share(self.paid_fen, self.budget_fen)


@dataclass(frozen=True)
class StepRow:
    label: str
    department: str
    figures: cockpit.StepFigures


@dataclass
class Dashboard:
    period: Period
    applications: int
    by_status: list[Count]
    by_clause: list[Count]
    by_region: list[Count]
    money: Money
    steps: list[StepRow]
    funnel: list[cockpit.FunnelStage]
    citation: str = cockpit.CITATION
    notes: list[str] = field(default_factory=list)


def _rows(db: Database, table: Table) -> list[dict]:
    with db.engine.connect() as conn:
        return [dict(row) for row in conn.execute(select(table)).mappings()]


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return as_utc(value) if value is not None else None


def _case_facts(case: dict, case_steps: list[dict], case_stages: list[dict]) -> CaseFacts:
    return CaseFacts(
        submitted_at=_utc(case["submitted_at"]), task_opened_at=_utc(case["task_opened_at"]),
        supplement_at=_utc(case["supplement_at"]), resubmitted_at=_utc(case["resubmitted_at"]), rejected=case["rejected"],
        determined_fen=sum(s["determined_fen"] or 0 for s in case_steps), plan_opened=case["plan_opened"],
        disbursed_stages=sum(1 for s in case_stages if s["disbursed_on"] is not None),
        completed=case["plan_status"] == "completed", clawed_back=case["plan_status"] == "clawed_back")


def _clause_label(clause_id: str | None) -> str:
    if clause_id is None:
        return "（条款未知）"
    catalogue = load_catalogue()
    if clause_id not in catalogue:
        return clause_id
    clause = catalogue.get(clause_id)
    return f"{clause.document_number} 第{clause.clause_number}条 {clause.title_zh}"


def _counted(counter: Counter[str | None], label: Callable[[str | None], str]) -> list[Count]:
    return [Count(key or "", label(key), n) for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0] or ""))]


def dashboard(db: Database, calendar: WorkingDayCalendar, now: dt.datetime, period: Period) -> Dashboard:
    """The figures of `period`; `calendar` counts working days, `now` judges the open steps."""
    all_cases, all_steps, all_stages = _rows(db, cases), _rows(db, steps), _rows(db, stages)
    steps_of: dict[str, list[dict]] = {}
    for step in all_steps:
        steps_of.setdefault(step["case_id"], []).append(step)
    stages_of: dict[str, list[dict]] = {}
    for stage in all_stages:
        stages_of.setdefault(stage["case_id"], []).append(stage)

    applied = [c for c in all_cases if period.holds(c["submitted_at"])]
    statuses = Counter(cockpit.case_status(_case_facts(c, steps_of.get(c["case_id"], []), stages_of.get(c["case_id"], [])))
                       for c in applied)
    by_status = [Count(s, cockpit.STATUS_LABELS[s], statuses[s]) for s in cockpit.STATUS_ORDER if statuses[s]]
    registry = load_registry()
    by_clause = _counted(Counter(c["clause_id"] for c in applied), _clause_label)
    by_region = _counted(Counter(c["region"] for c in applied), lambda code: registry.region_zh(code) if code else "（地区未知）")

    year_budgets = [b for b in _rows(db, budgets) if b["year"] in range(period.first.year, period.last.year + 1)]
    money = Money(
        budget_fen=sum(b["amount_fen"] for b in year_budgets), budget_funds=len(year_budgets),
        determined_fen=sum(s["determined_fen"] or 0 for s in all_steps if period.holds(s["decided_at"])),
        approved_fen=sum(s["amount_fen"] for s in all_stages if period.holds(s["approved_at"])),
        paid_fen=sum(s["amount_fen"] for s in all_stages if period.holds(s["disbursed_on"])),
        clawed_back_fen=sum(s["clawed_back_fen"] or 0 for s in all_stages if period.holds(s["disbursed_on"])),
    )

    in_period = [StepFacts(s["kind"] or "", s["organisation"] or "", _utc(s["opened_at"]), _utc(s["decided_at"]),
                           _utc(s["due_at"]), s["reported_overdue"])
                 for s in all_steps if period.holds(s["decided_at"]) or (s["decided_at"] is None and period.holds(s["opened_at"]))]
    step_rows = [StepRow(TASK_KIND_LABELS.get(f.kind, f.kind), registry.organisation_zh(f.organisation) if f.organisation else "—", f)
                 for f in cockpit.step_figures(calendar, in_period, now)]

    funnel = cockpit.funnel(CandidacyFacts(**{k: c[k] for k in ("nominated", "recommended", "proposed", "publicised", "published")})
                            for c in _rows(db, candidacies))
    notes = []
    if not year_budgets:
        notes.append("本期尚未载入预算（财政载入后自动显示）。")
    if any(f.figures.uncounted for f in step_rows):
        notes.append("部分办理时长所在年度的法定工作日安排尚未载入，未计入中位数和90分位。")
    return Dashboard(period, len(applied), by_status, by_clause, by_region, money, step_rows, funnel, notes=notes)
