"""review's public calculator: the amount for stated facts with its steps, citation and the cap that bound it."""
from __future__ import annotations

from typing import Any

from services.portal.adapters.intake import Tolerant
from services.portal.adapters.services import ServiceClients


class Citation(Tolerant):
    document_number: str
    document_title: str = ""
    clause_number: str


class Determination(Tolerant):
    """A calculation (试算) or a department's 核定: the same shape (contracts' DeterminationRef)."""

    clause_id: str
    amount_fen: int
    capped_by: str | None = None
    capped_by_zh: str | None = None
    citation: Citation
    steps: list[dict[str, Any]] = []
    rounding: str | None = None
    payout_mode: str | None = None
    payable_year: int | None = None


def calculate(clients: ServiceClients, client_address: str | None, clause_id: str, facts: dict[str, Any]) -> Determination:
    answer = clients.call("review", "POST", "/public/calculations", json={"clause_id": clause_id, "facts": facts},
                          client_address=client_address)
    return Determination.model_validate(answer)
