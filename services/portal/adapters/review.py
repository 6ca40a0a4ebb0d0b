"""Review's public publicity routes (公示, 异议), read into the portal's own tolerant models."""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict

from contracts.api.selection import PublicityEntryState, PublicityState
from services.portal.adapters.services import ServiceClients


class PublicityEntry(PublicityEntryState):
    kind: str
    chain_name: str
    enterprise_name: str
    status_label: str


class Publicity(PublicityState):
    """Review's public view of a publicity (the workflow's PublicityState plus what people read)."""

    year: int
    status_label: str
    working_days: int
    entries: list[PublicityEntry] = []  # type: ignore[assignment]  # pydantic re-declares the field with the labels people read


class ObjectionReceipt(BaseModel):
    model_config = ConfigDict(extra="ignore")

    receipt_number: str
    round_id: str
    candidacy_id: str
    lodged_at: dt.datetime
    message: str


def list_publicities(clients: ServiceClients, client_address: str | None, *, limit: int = 200) -> list[Publicity]:
    rows = clients.call("review", "GET", "/public/selection/publicities", params={"limit": limit},
                        client_address=client_address)
    return [Publicity.model_validate(row) for row in rows]


def get_publicity(clients: ServiceClients, client_address: str | None, round_id: str) -> Publicity:
    return Publicity.model_validate(clients.call("review", "GET", f"/public/selection/publicities/{quote(round_id, safe='')}",
                                                 client_address=client_address))


def lodge_objection(clients: ServiceClients, client_address: str | None, round_id: str, body: dict[str, str | None],
                    *, submission_id: str) -> ObjectionReceipt:
    """One objection; `submission_id` (from the form) is the idempotency key, so a resent form gets the same receipt."""
    answer = clients.call("review", "POST", f"/public/selection/publicities/{quote(round_id, safe='')}/objections", json=body,
                          headers={"Idempotency-Key": f"portal-objection-{submission_id}"}, client_address=client_address)
    return ObjectionReceipt.model_validate(answer)
