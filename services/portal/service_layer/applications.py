"""Page logic of an enterprise's applications: the form generated from the clause's facts schema (试算,
保存草稿, 提交 once however often it is sent), 我的申报 with where each case waits and until when, one
application's history, its 补正 and amount and payments."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from infra.clock import beijing_today
from services.portal.adapters import intake, payout
from services.portal.adapters.calculator import Determination
from services.portal.adapters.drafts import Draft, DraftStore, DraftTaken, StoredFile
from services.portal.adapters.services import ServiceClients, ServiceRefused
from services.portal.domain import timeline, uploads
from services.portal.domain.directory import DirectoryEntry
from services.portal.domain.facts_form import FactsForm, as_values, facts_of, fields_of, read
from services.portal.domain.periods import remaining_working_days
from services.portal.service_layer.catalogue import calculate, calculation_form, explain

KIND = "application"
SUBMISSION_ID = re.compile(r"^[0-9a-f]{32}$")
PAID_STATUSES = frozenset({"approved", "payout_planned", "partly_disbursed", "completed", "clawed_back"})
ACTIONS = ("preview", "draft", "submit")


def submission_id_of(form: Mapping[str, Any]) -> str:
    """The form's own id (made when the form was first shown), or a new one if it is missing or malformed."""
    sent = str(form.get("submission_id") or "")
    return sent if SUBMISSION_ID.match(sent) else uuid.uuid4().hex


@dataclass
class ApplicationForm:
    clause: intake.ClauseDetail
    form: FactsForm
    submission_id: str
    files: list[StoredFile] = field(default_factory=list)
    preview: Determination | None = None
    refusal: str | None = None
    saved: bool = False


@dataclass(frozen=True)
class Sent:
    """Done: go to the case (an application, a candidacy or a referral project) it concerns."""

    case_id: str


@dataclass(frozen=True)
class Saved:
    draft_id: str


def blank_form(clients: ServiceClients, client_address: str | None, clause_id: str) -> ApplicationForm:
    page = calculation_form(clients, client_address, clause_id, {"year": str(beijing_today().year)})
    return ApplicationForm(page.clause, page.form, uuid.uuid4().hex)


def draft_form(clients: ServiceClients, client_address: str | None, drafts: DraftStore, user: DirectoryEntry,
               draft_id: str) -> ApplicationForm | Sent | None:
    draft = drafts.get(user.organisation, draft_id)
    if draft is None or draft.kind != KIND:
        return None
    if draft.sent_as:
        return Sent(draft.sent_as)
    page = calculation_form(clients, client_address, draft.target, draft.values)
    return ApplicationForm(page.clause, page.form, draft.id, draft.files)


def act(clients: ServiceClients, client_address: str | None, drafts: DraftStore, user: DirectoryEntry, clause_id: str,
        form_data: Any, added: list[tuple[str, bytes]]) -> ApplicationForm | Sent | Saved:
    """试算, 保存草稿 or 提交: the form is kept as a draft first (values and files), so nothing typed or
    attached is lost whatever the answer; a form submitted twice is one application."""
    action = str(form_data.get("action") or "preview")
    page = calculation_form(clients, client_address, clause_id, form_data)
    draft, reason = _keep(drafts, user, page.clause.id, page.form, submission_id_of(form_data), form_data, added)
    if draft.sent_as:
        return Sent(draft.sent_as)
    shown = ApplicationForm(page.clause, page.form, draft.id, draft.files)
    if reason:
        page.form.errors["materials"] = reason
    if action == "draft":
        shown.saved = True
        return shown if reason else Saved(draft.id)
    facts = {**facts_of(page.form), "entity_id": user.organisation}
    if page.form.errors or action not in ACTIONS:
        return shown
    if action == "preview":
        shown.preview = calculate(clients, client_address, page, user.organisation).result
        shown.refusal = page.refusal
        return shown
    return _submit(clients, drafts, user, shown, draft, facts)


def _keep(drafts: DraftStore, user: DirectoryEntry, clause_id: str, form: FactsForm, draft_id: str, form_data: Any,
          added: list[tuple[str, bytes]]) -> tuple[Draft, str | None]:
    held = drafts.get(user.organisation, draft_id)
    remove = {int(v) for v in _all(form_data, "remove_file") if str(v).isdigit()}
    kept = [f.upload for f in (held.files if held else []) if f.id not in remove]
    files, reason = uploads.accept(kept, added)
    try:
        draft = drafts.save(user.organisation, user.subject, draft_id, kind=KIND, target=clause_id, values=form.values,
                            files=files[len(kept):], remove=remove)
    except DraftTaken:
        draft = drafts.save(user.organisation, user.subject, uuid.uuid4().hex, kind=KIND, target=clause_id,
                            values=form.values, files=files)
    return draft, reason


def _submit(clients: ServiceClients, drafts: DraftStore, user: DirectoryEntry, page: ApplicationForm, draft: Draft,
            facts: dict[str, Any]) -> ApplicationForm | Sent:
    body = {"clause_id": page.clause.id, "facts": facts,
            "applicant": {"uscc": user.organisation, "name": user.name, "kind": "enterprise", "region": user.region},
            "materials": [f.upload.as_material() for f in draft.files]}
    try:
        application = intake.submit(clients, user, body, submission_id=draft.id)
    except ServiceRefused as refused:
        page.refusal = explain(page.form, refused, others=("materials",))
        return page
    drafts.mark_sent(user.organisation, draft.id, application.id)
    return Sent(application.id)


@dataclass(frozen=True)
class Waiting:
    """Where a case waits now: a department's step with its working days left, or the applicant's 补正."""

    department: str
    last_day: dt.date | None = None
    remaining: int | None = None  # None: the calendar cannot count to the last day (its year is not loaded)

    @property
    def overdue(self) -> bool:
        return self.last_day is not None and self.last_day < beijing_today()


@dataclass(frozen=True)
class Row:
    application: intake.Application
    title: str
    waiting: list[Waiting]


def waiting_of(application: intake.Application, entries: list[intake.TimelineEntry], calendar: Any) -> list[Waiting]:
    if application.status == "supplement_requested":
        return [Waiting("本单位（待补正）")]
    today = beijing_today()
    return [Waiting(step.department, step.last_day,
                    remaining_working_days(calendar, today, step.last_day, opened_on=step.opened_on)
                    if step.last_day else None)
            for step in timeline.open_steps(entries)]


def my_applications(clients: ServiceClients, client_address: str | None, user: DirectoryEntry, calendar: Any
                    ) -> list[Row]:
    titles = {c.id: f"{c.citation} {c.title_zh}" for c in intake.clauses(clients, client_address)}
    return [Row(a, titles.get(a.clause_id, a.clause_id), waiting_of(a, intake.timeline(clients, user, f"/applications/{a.id}"),
                                                                     calendar))
            for a in intake.applications(clients, user)]


def my_drafts(clients: ServiceClients, client_address: str | None, drafts: DraftStore, user: DirectoryEntry
              ) -> list[tuple[Draft, str]]:
    titles = {c.id: f"{c.citation} {c.title_zh}" for c in intake.clauses(clients, client_address)}
    return [(d, titles.get(d.target, d.target)) for d in drafts.unsent(user.organisation, KIND)]


@dataclass
class ApplicationPage:
    application: intake.Application
    clause: intake.ClauseDetail
    lines: list[timeline.Line]
    waiting: list[Waiting]
    supplement: timeline.SupplementRequest | None
    determinations: list[dict[str, Any]]
    plan: payout.Plan | None = None
    stages: list[payout.Stage] = field(default_factory=list)
    answer: FactsForm | None = None
    note: str = ""
    submission_id: str = ""
    refusal: str | None = None

    @property
    def paid_fen(self) -> int:
        return sum(s.amount_fen for s in self.stages if s.paid)


def application_page(clients: ServiceClients, client_address: str | None, user: DirectoryEntry, calendar: Any,
                     application_id: str) -> ApplicationPage:
    application = intake.application(clients, user, application_id)
    clause = intake.clause(clients, client_address, application.clause_id)
    entries = intake.timeline(clients, user, f"/applications/{application.id}")
    page = ApplicationPage(application, clause, timeline.lines(entries), waiting_of(application, entries, calendar),
                           timeline.supplement_request(entries) if application.status == "supplement_requested" else None,
                           timeline.determinations(entries), submission_id=uuid.uuid4().hex)
    if page.supplement is not None:
        fields = fields_of(clause.facts_schema)
        page.answer = read(fields, as_values(fields, application.facts))
    if application.status in PAID_STATUSES:
        page.plan = payout.plan_of(clients, user, application.id)
        page.stages = payout.stages_of(clients, user, page.plan) if page.plan else []
    return page


def answer_supplement(clients: ServiceClients, client_address: str | None, user: DirectoryEntry, calendar: Any,
                      application_id: str, form_data: Any, added: list[tuple[str, bytes]]) -> ApplicationPage | Sent:
    """补正: the note, the facts (sent only if changed) and the files the department asked for."""
    page = application_page(clients, client_address, user, calendar, application_id)
    if page.answer is None:
        page.refusal = "该申请当前无需补正（补正可能已经提交），请查看下方办理记录。"
        return page
    page.answer = read(page.answer.fields, form_data)
    page.note = str(form_data.get("note") or "").strip()
    page.submission_id = submission_id_of(form_data)
    facts = {**facts_of(page.answer), "entity_id": user.organisation}
    files, reason = uploads.accept([], added)
    if reason:
        page.answer.errors["materials"] = reason
    if not page.note:
        page.answer.errors["note"] = "请写明补正情况（所补材料、更正事项）"
    if page.answer.errors:
        return page
    body: dict[str, Any] = {"note": page.note, "materials": [f.as_material() for f in files]}
    if facts != {**page.application.facts, "entity_id": user.organisation}:
        body["facts"] = facts
    try:
        intake.supplement(clients, user, application_id, body, submission_id=page.submission_id)
    except ServiceRefused as refused:
        page.refusal = explain(page.answer, refused, others=("materials", "note"))
        return page
    return Sent(application_id)


def _all(form: Any, name: str) -> list[Any]:
    getlist = getattr(form, "getlist", None)
    return list(getlist(name)) if getlist else []
