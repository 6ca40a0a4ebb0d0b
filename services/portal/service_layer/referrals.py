"""Page logic of 以商招商 referral projects (晋工信新材料规字〔2024〕1号 9.2.1): a 链主 registers a project it
brought in (one referrer per project), reports its investment and production, and sees the award fixed."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from infra.clock import beijing_today
from policies.registry import load_registry
from services.portal.adapters import intake, referrals
from services.portal.adapters.services import ServiceClients, ServiceRefused
from services.portal.domain import timeline
from services.portal.domain.directory import DirectoryEntry
from services.portal.domain.facts_form import SEPARATORS
from services.portal.service_layer.applications import Sent, submission_id_of
from services.portal.service_layer.catalogue import reasons

REGISTRATION = ("investee_name", "investee_uscc", "investee_region", "project_code", "project_name", "chain_id",
                "planned_fai_yuan")
REPORT = ("completed_fai_yuan", "as_of", "note")
FLAGS = ("investment_complete", "in_production")
# the service's field paths → the form's fields
FIELD_OF = {"investee.uscc": "investee_uscc", "investee.name": "investee_name", "investee.region": "investee_region"}
YUAN = re.compile(r"\d+(\.\d{1,2})?")


def chains() -> list[tuple[str, str]]:
    return [(c.id, c.name_zh) for c in load_registry().chains.values()]


@dataclass
class Form:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    submission_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    refusal: str | None = None

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def checked(self, name: str) -> bool:
        return self.values.get(name) in ("true", "on")


def _read(form_data: Any, names: tuple[str, ...]) -> Form:
    form = Form({name: str(form_data.get(name) or "").strip() for name in names}, submission_id=submission_id_of(form_data))
    for name in names:
        if not form.values[name] and name not in ("chain_id", "note"):
            form.errors[name] = "请填写此项"
    return form


def _yuan(form: Form, name: str) -> str | None:
    digits = SEPARATORS.sub("", form.value(name)).removesuffix("元")
    if name not in form.errors and not YUAN.fullmatch(digits):
        form.errors[name] = "请填写金额（元），如 50,000,000 或 50000000.00"
    return digits


def _refused(form: Form, refused: ServiceRefused, names: tuple[str, ...]) -> None:
    for path, reason in reasons(refused).items():
        name = FIELD_OF.get(path, path.split(".")[-1])
        if name in names:
            form.errors[name] = reason
        else:
            form.refusal = reason
    if not refused.error.errors or refused.status_code != 422:
        form.refusal = refused.error.message


def my_projects(clients: ServiceClients, user: DirectoryEntry) -> list[referrals.ReferralProject]:
    return referrals.projects(clients, user)


def register(clients: ServiceClients, user: DirectoryEntry, form_data: Any) -> Form | Sent:
    form = _read(form_data, REGISTRATION)
    planned = _yuan(form, "planned_fai_yuan")
    if form.errors:
        return form
    body = {"referrer_name": user.name, "project_code": form.value("project_code"), "project_name": form.value("project_name"),
            "chain_id": form.value("chain_id") or None, "planned_fai_yuan": planned,
            "investee": {"uscc": form.value("investee_uscc"), "name": form.value("investee_name"), "kind": "enterprise",
                         "region": form.value("investee_region")}}
    try:
        project = referrals.register(clients, user, body, submission_id=form.submission_id)
    except ServiceRefused as refused:
        _refused(form, refused, REGISTRATION)
        return form
    return Sent(project.id)


@dataclass
class ProjectPage:
    project: referrals.ReferralProject
    lines: list[timeline.Line]
    determinations: list[dict[str, Any]]
    mine: bool  # the signed-in enterprise is the referrer (an investee sees the project, reports nothing)
    report: Form = field(default_factory=lambda: Form({"as_of": beijing_today().isoformat()}))

    @property
    def chain(self) -> str:
        chain_id = self.project.chain_id
        return dict(chains()).get(chain_id, chain_id) if chain_id else "—"


def project_page(clients: ServiceClients, user: DirectoryEntry, project_id: str) -> ProjectPage:
    project = referrals.project(clients, user, project_id)
    entries = intake.timeline(clients, user, f"/referral-projects/{project.id}")
    return ProjectPage(project, timeline.lines(entries), timeline.determinations(entries),
                       mine=project.referrer.uscc == user.organisation)


def report_progress(clients: ServiceClients, user: DirectoryEntry, project_id: str, form_data: Any) -> ProjectPage | Sent:
    page = project_page(clients, user, project_id)
    form = _read(form_data, REPORT)
    form.values.update({flag: "true" if form_data.get(flag) in ("true", "on") else "" for flag in FLAGS})
    completed = _yuan(form, "completed_fai_yuan")
    as_of = _date(form)
    page.report = form
    if form.errors:
        return page
    try:
        referrals.report(clients, user, project_id, {
            "completed_fai_yuan": completed, "as_of": as_of, "note": form.value("note"),
            **{flag: form.checked(flag) for flag in FLAGS}}, submission_id=form.submission_id)
    except ServiceRefused as refused:
        _refused(form, refused, REPORT + FLAGS)
        return page
    return Sent(project_id)


def _date(form: Form) -> str | None:
    try:
        return dt.date.fromisoformat(form.value("as_of")).isoformat()
    except ValueError:
        form.errors.setdefault("as_of", "请填写日期，如 2026-06-30")
        return None
