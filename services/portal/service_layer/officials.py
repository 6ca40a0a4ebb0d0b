"""Page logic of the officials' and experts' workspace: the 待办 inbox (filters, overdue, counts per department,
pagination, working days left on review's calendar), a case page (facts, the applicant's materials, the
pre-check, earlier decisions, the calculator's determination, the four-eyes rule) and the decision form
(通过 / 要求补正 with the missing items / 不通过 with the reason). The services enforce every rule; the
pages explain them and show the services' refusals beside the fields."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from infra.clock import beijing_today
from policies.beijing import SHANGHAI
from policies.money import to_fen
from policies.registry import load_registry
from services.portal.adapters import intake, tasks
from services.portal.adapters.services import ServiceClients, ServiceRefused
from services.portal.domain.directory import DirectoryEntry
from services.portal.domain.facts_form import FormField, fields_of
from services.portal.domain.money import yuan
from services.portal.domain.periods import remaining_working_days
from services.portal.service_layer.applications import Sent, submission_id_of

PAGE_SIZE = 20
STATUS_FILTERS = {"open": "待办理", "decided": "已办结", "": "全部"}
OVERDUE_FILTERS = {"": "不限", "true": "仅已超期", "false": "未超期"}
DECISIONS = {"approve": "通过", "supplement": "要求补正", "reject": "不通过"}
EXPERT_DECISIONS = {"approve": "同意列入建议名单", "reject": "不同意列入"}
SELECTION_KINDS = frozenset({"city_recommendation", "completeness_check", "expert_review", "chief_review",
                             "lead_unit_submission", "selection_approval"})
MAX_MISSING_ITEMS = 30


def organisation_zh(organisation: str) -> str:
    try:
        return load_registry().organisation_zh(organisation)
    except Exception:  # an organisation the registry does not name (an expert's id, ops): shown as it is
        return organisation


def last_day(due_at: dt.datetime | None) -> dt.date | None:
    """The period's last day in Beijing (due_at is the first instant after it)."""
    return (due_at - dt.timedelta(microseconds=1)).astimezone(SHANGHAI).date() if due_at else None


@dataclass(frozen=True)
class Row:
    task: tasks.Task
    days_left: int | None  # None: no due date, or a year the calendar cannot count

    @property
    def department(self) -> str:
        return organisation_zh(self.task.assignee_org)


def days_left(calendar: Any, task: tasks.Task) -> int | None:
    end = last_day(task.due_at)
    if end is None or task.status != "open":
        return None
    return remaining_working_days(calendar.current(), beijing_today(), end,
                                  opened_on=task.opened_at.astimezone(SHANGHAI).date())


@dataclass
class Inbox:
    rows: list[Row]
    counts: list[tasks.DepartmentCount]
    status: str
    overdue: str
    page: int
    has_next: bool

    def link(self, page: int) -> str:
        return f"/officials/tasks?status={self.status}&overdue={self.overdue}&page={page}"


def inbox(clients: ServiceClients, user: DirectoryEntry, calendar: Any, *, status: str, overdue: str, page: int) -> Inbox:
    status = status if status in STATUS_FILTERS else "open"
    overdue = overdue if overdue in OVERDUE_FILTERS else ""
    page = max(page, 1)
    found = tasks.tasks(clients, user, status=status or None, overdue={"true": True, "false": False}.get(overdue),
                        limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    rows = [Row(task, days_left(calendar, task)) for task in found[:PAGE_SIZE]]
    return Inbox(rows, tasks.counts(clients, user), status, overdue, page, len(found) > PAGE_SIZE)


@dataclass
class DecisionForm:
    decision: str = ""
    reason: str = ""
    missing_items: str = ""
    submission_id: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    refusal: str | None = None
    refused_status: int = 422
    four_eyes: bool = False  # the refusal was the four-eyes rule


@dataclass
class CasePage:
    file: tasks.CaseFile
    days_left: int | None
    application: intake.Application | None
    candidacy: dict[str, Any] | None
    history: list[intake.TimelineEntry]
    form: DecisionForm
    fields: dict[str, FormField] = field(default_factory=dict)
    clause: str | None = None  # the clause's 文号 and number, as people cite it

    @property
    def facts(self) -> list[tuple[str, str]]:
        """The task's facts as people read them: the clause's labels, 是/否 for conditions, amounts in 元 with two
        decimals, choices by their Chinese labels."""
        return [(self.fields[name].label if name in self.fields else name, shown_fact(self.fields.get(name), value))
                for name, value in self.task.facts.items() if name != "entity_id"]

    @property
    def task(self) -> tasks.Task:
        return self.file.task

    @property
    def choices(self) -> dict[str, str]:
        if self.file.confirm_only:
            return {"approve": "确认汇总"}
        if self.task.kind == "expert_review":
            return EXPERT_DECISIONS
        return {k: v for k, v in DECISIONS.items() if k != "supplement" or self.file.may_supplement}

    @property
    def materials(self) -> list[tuple[str, intake.Material]]:
        """(download path, file) of the applicant's materials, through the portal."""
        if self.application is not None:
            return [(f"/officials/tasks/{self.task.id}/materials/{m.file_id}", m) for m in self.application.materials]
        if self.candidacy is not None:
            return [(f"/officials/tasks/{self.task.id}/materials/{m['file_id']}", intake.Material.model_validate(m))
                    for m in self.candidacy.get("materials") or []]
        return []

    def department(self, organisation: str) -> str:
        return organisation_zh(organisation)

    @staticmethod
    def decision_label(task: tasks.Task) -> str:
        """A decided task's result as its step names it (an expert's 不同意列入, a department's 不通过)."""
        value = task.decision.decision if task.decision else ""
        labels = EXPERT_DECISIONS if task.kind == "expert_review" else DECISIONS
        return labels.get(value, DECISIONS.get(value, value))


def _subject_path(task: tasks.Task) -> str | None:
    """Where intake keeps the case the task is about: an application, or a candidacy for a selection step."""
    if task.kind in ("case_review", "case_determination"):
        return f"/applications/{task.case_id}"
    if task.kind in SELECTION_KINDS:
        return f"/selection/candidacies/{task.case_id}"
    return None


def case_page(clients: ServiceClients, user: DirectoryEntry, calendar: Any, task_id: str,
              form: DecisionForm | None = None) -> CasePage:
    file = tasks.case_file(clients, user, task_id)
    application, candidacy, history = None, None, []
    path = _subject_path(file.task)
    if path is not None:
        try:
            subject = clients.call("intake", "GET", path, user=user)
            history = intake.timeline(clients, user, path)
        except ServiceRefused:  # not shown to this caller at intake (e.g. an expert): the task's facts stand alone
            subject = None
        if subject is not None and path.startswith("/applications/"):
            application = intake.Application.model_validate(subject)
        else:
            candidacy = subject
    return CasePage(file, days_left(calendar, file.task), application, candidacy, history,
                    form or DecisionForm(submission_id=submission_id_of({})), *_clause(clients, file.task.clause_id))


def _clause(clients: ServiceClients, clause_id: str | None) -> tuple[dict[str, FormField], str | None]:
    """The facts' fields (label, kind, choices) and the citation of the task's clause (none for a selection step)."""
    if not clause_id:
        return {}, None
    try:
        clause = intake.clause(clients, None, clause_id)
    except ServiceRefused:
        return {}, clause_id
    return {f.name: f for f in fields_of(clause.facts_schema, hidden=())}, f"{clause.citation} {clause.title_zh}"


def shown_fact(form_field: FormField | None, value: Any) -> str:
    """One fact as its field reads: 5000000 for a money fact → 5,000,000.00元, a choice by its label, else `shown`."""
    if form_field is not None and form_field.kind == "money" and isinstance(value, (int, float, str)) and value != "":
        try:
            return yuan(to_fen(Decimal(str(value))))
        except InvalidOperation:
            return str(value)
    if form_field is not None and form_field.choices and value is not None:
        labels = dict(form_field.choices)
        if isinstance(value, list):
            return "；".join(labels.get(v, str(v)) for v in value) or "—"
        return labels.get(value, str(value))
    return shown(value)


def shown(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "；".join(shown(v) for v in value) or "—"
    if isinstance(value, dict):
        return "，".join(f"{k}：{shown(v)}" for k, v in value.items())
    return "—" if value is None or value == "" else str(value)


def material(clients: ServiceClients, user: DirectoryEntry, task_id: str, file_id: str) -> tuple[bytes, str, str]:
    """A material of the task's case, fetched at intake with the official's own token (intake decides the scope)."""
    file = tasks.case_file(clients, user, task_id)
    path = _subject_path(file.task)
    if path is None:
        raise LookupError(file_id)
    return clients.download("intake", f"{path}/materials/{file_id}", user=user)


def read_decision(form_data: Any) -> DecisionForm:
    return DecisionForm(decision=str(form_data.get("decision") or ""), reason=str(form_data.get("reason") or "").strip(),
                        missing_items=str(form_data.get("missing_items") or "").strip(),
                        submission_id=submission_id_of(form_data))


def decide(clients: ServiceClients, user: DirectoryEntry, calendar: Any, task_id: str, form_data: Any) -> Sent | CasePage:
    form = read_decision(form_data)
    items = [line.strip() for line in form.missing_items.splitlines() if line.strip()]
    if form.decision not in DECISIONS:
        form.errors["decision"] = "请选择办理结果"
    if not form.reason:
        form.errors["reason"] = "请填写意见或理由" if form.decision != "reject" else "不通过须写明理由"
    if form.decision == "supplement" and not items:
        form.errors["missing_items"] = "要求补正时须列明所缺材料或事项（每行一项）"
    if form.decision != "supplement" and items:
        form.errors["missing_items"] = "仅在要求补正时填写"
    if len(items) > MAX_MISSING_ITEMS:
        form.errors["missing_items"] = f"最多列明{MAX_MISSING_ITEMS}项"
    if not form.errors:
        body = {"decision": form.decision, "reason": form.reason, "missing_items": items}
        try:
            tasks.decide(clients, user, task_id, body, submission_id=form.submission_id)
            return Sent(task_id)
        except ServiceRefused as refused:
            if refused.status_code == 404:
                raise
            form.errors.update({k: v for k, v in refused.field_errors().items() if k in ("decision", "reason", "missing_items")})
            form.refusal = refused.error.message
            form.refused_status = refused.status_code
            form.four_eyes = refused.error.code == "four_eyes"
    return case_page(clients, user, calendar, task_id, form)
