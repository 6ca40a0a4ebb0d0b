"""intake's routes for an applicant: the clause catalogue (public), its applications, their timelines and
补正, read into the portal's own tolerant models (fields intake adds later are ignored)."""
from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict

from services.portal.adapters.services import ServiceClients
from services.portal.domain.directory import DirectoryEntry


class Tolerant(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Cap(Tolerant):
    title_zh: str
    amount_yuan: int | None = None


class Clause(Tolerant):
    id: str
    document_number: str
    document_title: str
    clause_number: str
    title_zh: str
    amount_kind: str
    applicants: list[str]
    applicant_note_zh: str
    departments_zh: list[str] = []
    payout_mode: str
    caps: list[Cap] = []
    publicity_required: bool = False
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    source_excerpt: str
    notes_zh: list[str] = []

    @property
    def citation(self) -> str:
        return f"{self.document_number} 第{self.clause_number}条"


class ClauseDetail(Clause):
    facts_schema: dict[str, Any]


class Material(Tolerant):
    file_id: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str


class Applicant(Tolerant):
    uscc: str
    name: str
    kind: str
    region: str


class Application(Tolerant):
    id: str
    clause_id: str
    applicant: Applicant
    facts: dict[str, Any]
    status: str
    status_label: str
    submitted_at: dt.datetime
    updated_at: dt.datetime
    materials: list[Material] = []


class TimelineEntry(Tolerant):
    occurred_at: dt.datetime
    event_type: str
    actor: str
    role: str
    organisation: str | None = None
    summary: str
    details: dict[str, Any] = {}


def clauses(clients: ServiceClients, client_address: str | None) -> list[Clause]:
    return [Clause.model_validate(row) for row in clients.call("intake", "GET", "/public/clauses", client_address=client_address)]


def clause(clients: ServiceClients, client_address: str | None, clause_id: str) -> ClauseDetail:
    return ClauseDetail.model_validate(clients.call("intake", "GET", f"/public/clauses/{quote(clause_id, safe='')}",
                                                    client_address=client_address))


def send_once(clients: ServiceClients, user: DirectoryEntry, path: str, body: dict[str, Any], *, key: str) -> Any:
    """POST to intake with the form's own id as idempotency key: the same form sent again gets the same answer."""
    return clients.call("intake", "POST", path, user=user, json=body, headers={"Idempotency-Key": f"portal-{key}"})


def submit(clients: ServiceClients, user: DirectoryEntry, body: dict[str, Any], *, submission_id: str) -> Application:
    """One application per submission id, however often the form is sent."""
    return Application.model_validate(send_once(clients, user, "/applications", body, key=f"application-{submission_id}"))


def applications(clients: ServiceClients, user: DirectoryEntry) -> list[Application]:
    rows = clients.call("intake", "GET", "/applications", user=user, params={"limit": 500})
    return [Application.model_validate(row) for row in rows]


def application(clients: ServiceClients, user: DirectoryEntry, application_id: str) -> Application:
    return Application.model_validate(clients.call("intake", "GET", f"/applications/{quote(application_id, safe='')}", user=user))


def timeline(clients: ServiceClients, user: DirectoryEntry, path: str) -> list[TimelineEntry]:
    """A case's timeline (`path`: /applications/{id}, /selection/candidacies/{id}, /referral-projects/{id})."""
    return [TimelineEntry.model_validate(row) for row in clients.call("intake", "GET", f"{path}/timeline", user=user)]


def supplement(clients: ServiceClients, user: DirectoryEntry, application_id: str, body: dict[str, Any], *,
               submission_id: str) -> Application:
    return Application.model_validate(send_once(clients, user, f"/applications/{quote(application_id, safe='')}/supplements",
                                                body, key=f"supplement-{submission_id}"))
