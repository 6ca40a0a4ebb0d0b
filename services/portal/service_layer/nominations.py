"""Page logic of 链主/链核 self-nomination (晋政办发〔2023〕44号 遴选程序（一）自主参与): the rounds open now, the
nomination form from the criteria's facts schema with its pre-check (10.1/10.2), and each candidacy's
status, history and 补正."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from infra.clock import utcnow
from policies.registry import load_registry
from services.portal.adapters import intake, selection
from services.portal.adapters.services import ServiceClients, ServiceRefused
from services.portal.domain import timeline, uploads
from services.portal.domain.directory import DirectoryEntry
from services.portal.domain.facts_form import FactsForm, as_values, facts_of, fields_of, read
from services.portal.service_layer.applications import Sent, submission_id_of
from services.portal.service_layer.catalogue import explain

KIND_ZH = {"chain_leader": "链主", "chain_core": "链核"}
OTHERS = ("chain_id", "zone_id", "materials", "in_reform_zone")


def chain_name(chain_id: str) -> str:
    chains = load_registry().chains
    return chains[chain_id].name_zh if chain_id in chains else chain_id


def dev_zones() -> list[tuple[str, str]]:
    return sorted((r.id, r.name_zh) for r in load_registry().regions.values() if r.level == "dev_zone")


@dataclass(frozen=True)
class RoundView:
    round: selection.Round

    @property
    def title(self) -> str:
        return f"{self.round.year}年度{KIND_ZH.get(self.round.kind, self.round.kind)}企业遴选"

    @property
    def chains(self) -> list[tuple[str, str]]:
        return [(chain_id, chain_name(chain_id)) for chain_id in self.round.chain_ids]

    def open_at(self, now: dt.datetime) -> bool:
        return self.round.nomination_opens_at <= now < self.round.nomination_closes_at


def selection_home(clients: ServiceClients, user: DirectoryEntry) -> tuple[list[RoundView], list[selection.Candidacy]]:
    now = utcnow()
    rounds = [RoundView(r) for r in selection.rounds(clients, user)]
    return [r for r in rounds if r.open_at(now)], selection.candidacies(clients, user)


@dataclass
class NominationForm:
    round: RoundView
    form: FactsForm
    submission_id: str
    chain_id: str = ""
    zone_id: str = ""
    in_reform_zone: bool = False
    precheck: selection.PreCheck | None = None
    refusal: str | None = None

    @property
    def zones(self) -> list[tuple[str, str]]:
        return dev_zones()


def nomination_form(clients: ServiceClients, user: DirectoryEntry, round_id: str) -> NominationForm:
    current = RoundView(selection.get_round(clients, user, round_id))
    fields = fields_of(selection.facts_schema(clients, user, current.round.kind), hidden=("entity_id", "chain_id"))
    return NominationForm(current, read(fields, {}), uuid.uuid4().hex)


def nominate(clients: ServiceClients, user: DirectoryEntry, round_id: str, form_data: Any,
             added: list[tuple[str, bytes]]) -> NominationForm | Sent:
    """预审 (the criteria on the stated facts, nothing recorded) or 提交 (the nomination with its materials)."""
    page = nomination_form(clients, user, round_id)
    page.form = read(page.form.fields, form_data)
    page.submission_id = submission_id_of(form_data)
    page.chain_id, page.zone_id = str(form_data.get("chain_id") or ""), str(form_data.get("zone_id") or "")
    page.in_reform_zone = form_data.get("in_reform_zone") in ("true", "on")
    facts = facts_of(page.form)
    if page.chain_id not in page.round.round.chain_ids:
        page.form.errors["chain_id"] = "请选择参与遴选的产业链"
    files, reason = uploads.accept([], added)
    if reason:
        page.form.errors["materials"] = reason
    if page.form.errors:
        return page
    try:
        if form_data.get("action") == "precheck":
            page.precheck = selection.precheck(clients, user, page.round.round.kind, page.chain_id, facts)
            return page
        candidacy = selection.nominate(clients, user, round_id, {
            "enterprise": {"uscc": user.organisation, "name": user.name, "kind": "enterprise", "region": user.region},
            "in_reform_zone": page.in_reform_zone, "chain_id": page.chain_id, "zone_id": page.zone_id or None,
            "facts": facts, "materials": [f.as_material() for f in files]}, submission_id=page.submission_id)
    except ServiceRefused as refused:
        page.refusal = explain(page.form, refused, others=OTHERS)
        return page
    return Sent(candidacy.id)


@dataclass
class CandidacyPage:
    candidacy: selection.Candidacy
    round: RoundView
    lines: list[timeline.Line]
    supplement: timeline.SupplementRequest | None
    answer: FactsForm | None = None
    submission_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    refusal: str | None = None

    @property
    def chain(self) -> str:
        return chain_name(self.candidacy.chain_id)

    @property
    def department(self) -> str:
        return load_registry().organisation_zh(self.candidacy.assignee_org)


def candidacy_page(clients: ServiceClients, user: DirectoryEntry, candidacy_id: str) -> CandidacyPage:
    candidacy = selection.candidacy(clients, user, candidacy_id)
    entries = intake.timeline(clients, user, f"/selection/candidacies/{candidacy.id}")
    asked = timeline.supplement_request(entries) if candidacy.status == "supplement_requested" else None
    page = CandidacyPage(candidacy, RoundView(selection.get_round(clients, user, candidacy.round_id)),
                         timeline.lines(entries), asked)
    if asked is not None:
        fields = fields_of(selection.facts_schema(clients, user, candidacy.kind), hidden=("entity_id", "chain_id"))
        page.answer = read(fields, as_values(fields, candidacy.facts))
    return page


def resubmit(clients: ServiceClients, user: DirectoryEntry, candidacy_id: str, form_data: Any,
             added: list[tuple[str, bytes]]) -> CandidacyPage | Sent:
    page = candidacy_page(clients, user, candidacy_id)
    if page.answer is None:
        page.refusal = "该自荐当前无需补正（补正可能已经提交），请查看下方办理记录。"
        return page
    page.answer = read(page.answer.fields, form_data)
    page.submission_id = submission_id_of(form_data)
    facts = facts_of(page.answer)
    files, reason = uploads.accept([], added)
    if reason:
        page.answer.errors["materials"] = reason
    elif not files and facts == {k: v for k, v in page.candidacy.facts.items() if k not in ("entity_id", "chain_id")}:
        page.answer.errors["materials"] = "请上传所缺材料，或更正申报事实"
    if page.answer.errors:
        return page
    try:
        selection.resubmit(clients, user, candidacy_id, {"facts": facts, "materials": [f.as_material() for f in files]},
                           submission_id=page.submission_id)
    except ServiceRefused as refused:
        page.refusal = explain(page.answer, refused, others=("materials",))
        return page
    return Sent(candidacy_id)
