"""intake's 链主/链核 selection routes for an enterprise: rounds open for nomination, the criteria form and
pre-check, its candidacies, their timelines and 补正."""
from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from services.portal.adapters.intake import Material, Tolerant, send_once
from services.portal.adapters.services import ServiceClients
from services.portal.domain.directory import DirectoryEntry


class Round(Tolerant):
    id: str
    year: int
    kind: str
    chain_ids: list[str]
    nomination_opens_at: dt.datetime
    nomination_closes_at: dt.datetime


class Criterion(Tolerant):
    criterion: str
    title_zh: str
    status: str
    reason_zh: str
    priority_notes: list[str] = []


class Citation(Tolerant):
    document_number: str
    clause_number: str


class PreCheck(Tolerant):
    """10.1/10.2 judged on the stated facts; intake records the same beside a nomination (or only an error)."""

    overall: str
    overall_zh: str
    results: list[Criterion] = []
    citation: Citation | None = None
    note_zh: str | None = None
    error_zh: str | None = None


class Candidacy(Tolerant):
    id: str
    round_id: str
    kind: str
    chain_id: str
    assignee_org: str
    facts: dict[str, Any]
    precheck: PreCheck
    status: str
    status_label: str
    materials: list[Material] = []
    nominated_at: dt.datetime
    updated_at: dt.datetime


def rounds(clients: ServiceClients, user: DirectoryEntry) -> list[Round]:
    return [Round.model_validate(row) for row in clients.call("intake", "GET", "/selection/rounds", user=user,
                                                               params={"limit": 500})]


def get_round(clients: ServiceClients, user: DirectoryEntry, round_id: str) -> Round:
    return Round.model_validate(clients.call("intake", "GET", f"/selection/rounds/{quote(round_id, safe='')}", user=user))


def facts_schema(clients: ServiceClients, user: DirectoryEntry, kind: str) -> dict[str, Any]:
    return clients.call("intake", "GET", f"/selection/criteria/{quote(kind, safe='')}", user=user)["facts_schema"]


def precheck(clients: ServiceClients, user: DirectoryEntry, kind: str, chain_id: str, facts: dict[str, Any]) -> PreCheck:
    answer = clients.call("intake", "POST", f"/selection/criteria/{quote(kind, safe='')}/checks", user=user,
                          json={"chain_id": chain_id, "facts": facts})
    return PreCheck.model_validate(answer)


def nominate(clients: ServiceClients, user: DirectoryEntry, round_id: str, body: dict[str, Any], *,
             submission_id: str) -> Candidacy:
    return Candidacy.model_validate(send_once(clients, user, f"/selection/rounds/{quote(round_id, safe='')}/nominations", body,
                                              key=f"nomination-{submission_id}"))


def candidacies(clients: ServiceClients, user: DirectoryEntry) -> list[Candidacy]:
    return [Candidacy.model_validate(row) for row in clients.call("intake", "GET", "/selection/candidacies", user=user,
                                                                   params={"limit": 500})]


def candidacy(clients: ServiceClients, user: DirectoryEntry, candidacy_id: str) -> Candidacy:
    return Candidacy.model_validate(clients.call("intake", "GET", f"/selection/candidacies/{quote(candidacy_id, safe='')}",
                                                 user=user))


def resubmit(clients: ServiceClients, user: DirectoryEntry, candidacy_id: str, body: dict[str, Any], *,
             submission_id: str) -> Candidacy:
    return Candidacy.model_validate(send_once(clients, user, f"/selection/candidacies/{quote(candidacy_id, safe='')}/resubmission",
                                              body, key=f"resubmission-{submission_id}"))
