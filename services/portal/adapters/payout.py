"""payout's routes for a recipient: the payout plan of its case and each stage's payment (payout shows an
enterprise only its own plans)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from services.portal.adapters.intake import Tolerant
from services.portal.adapters.services import ServiceClients
from services.portal.domain.directory import DirectoryEntry

STAGE_LABELS = {"pending": "待财政编制", "prepared": "已编制，待审批", "approved": "已审批，待拨付", "disbursed": "已拨付",
                "failed": "拨付失败或退回，待重新拨付", "clawed_back": "已追回"}


class Stage(Tolerant):
    id: str
    plan_id: str
    case_id: str
    sequence: int
    amount_fen: int
    status: str
    disbursed_on: dt.date | None = None
    recovered_fen: int | None = None

    @property
    def status_label(self) -> str:
        return STAGE_LABELS.get(self.status, self.status)

    @property
    def paid(self) -> bool:
        return self.status == "disbursed"


class Plan(Tolerant):
    id: str
    case_id: str
    total_fen: int
    status: str
    steps: list[dict[str, Any]] = []


def plan_of(clients: ServiceClients, user: DirectoryEntry, case_id: str) -> Plan | None:
    plans = clients.call("payout", "GET", "/payout-plans", user=user, params={"case_id": case_id})
    return Plan.model_validate(plans[0]) if plans else None


def stages_of(clients: ServiceClients, user: DirectoryEntry, plan: Plan) -> list[Stage]:
    """The plan's stages with their payments (bank value dates). payout lists a recipient's own stages only."""
    rows = clients.call("payout", "GET", "/payout-stages", user=user, params={"case_id": plan.case_id, "limit": 500})
    return sorted((Stage.model_validate(row) for row in rows if row.get("plan_id") == plan.id), key=lambda s: s.sequence)
