"""payout's routes for the finance bureau: stages and their lifecycle, the views over the ledger, the files
(bank batch, stage register) and the reference data finance loads. POSTs carry the form's own id as
`Idempotency-Key`, so a form sent twice records once."""
from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from services.portal.adapters.intake import Tolerant
from services.portal.adapters.services import ServiceClients
from services.portal.domain.directory import DirectoryEntry

STATUS_LABELS = {"pending": "待编制", "prepared": "已编制，待审批", "approved": "已审批，待拨付", "disbursed": "已拨付",
                 "failed": "拨付失败或退回", "clawed_back": "已追回"}
# a stage's actions: the portal's form action → payout's route
ACTIONS = {"prepare": "preparation", "approve": "approval", "disburse": "disbursement", "fail": "failure",
           "retry": "retry", "claw-back": "clawback"}


class Recipient(Tolerant):
    uscc: str
    name: str
    region: str | None = None


class FinanceStage(Tolerant):
    id: str
    plan_id: str
    case_id: str
    sequence: int
    clause_id: str
    recipient: Recipient
    amount_fen: int
    status: str
    year: int | None = None
    funding: list[tuple[str, int]] = []
    finance_department_zh: str | None = None
    prepared_by: str | None = None
    prepared_at: dt.datetime | None = None
    approved_by: str | None = None
    approved_at: dt.datetime | None = None
    bank_reference: str | None = None
    disbursed_on: dt.date | None = None
    failure_reason: str | None = None
    attempts: int = 0
    clawback_reason: str | None = None
    recovered_fen: int | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


class PayableGroup(Tolerant):
    department_zh: str
    clause_id: str
    clause_zh: str
    county: str
    stages: int
    approved_unpaid_fen: int
    not_yet_approved_fen: int


class FundExecution(Tolerant):
    fund_id: str
    year: int
    budget_fen: int | None = None
    committed_fen: int
    disbursed_fen: int
    remaining_fen: int | None = None


class JournalLine(Tolerant):
    account: str
    amount_fen: int


class JournalEntry(Tolerant):
    id: str
    kind: str
    stage_id: str | None = None
    posted_by: str
    posted_at: dt.datetime
    memo: str
    lines: list[JournalLine] = []


class RecipientHistory(Tolerant):
    uscc: str
    name: str
    stages: list[FinanceStage]
    journal: list[JournalEntry]
    approved_fen: int
    disbursed_fen: int
    recovered_fen: int


class CostShare(Tolerant):
    clause_id: str
    county: str
    city_share_bp: int
    loaded_by: str
    loaded_at: dt.datetime


def stages(clients: ServiceClients, user: DirectoryEntry, **params: Any) -> list[FinanceStage]:
    query = {name: value for name, value in params.items() if value is not None}
    rows = clients.call("payout", "GET", "/payout-stages", user=user, params={"limit": 500, **query})
    return [FinanceStage.model_validate(row) for row in rows]


def stage(clients: ServiceClients, user: DirectoryEntry, stage_id: str) -> FinanceStage:
    return FinanceStage.model_validate(clients.call("payout", "GET", f"/payout-stages/{quote(stage_id, safe='')}", user=user))


def act(clients: ServiceClients, user: DirectoryEntry, stage_id: str, action: str, body: dict[str, Any] | None,
        *, submission_id: str) -> FinanceStage:
    path = f"/payout-stages/{quote(stage_id, safe='')}/{ACTIONS[action]}"
    answer = clients.call("payout", "POST", path, user=user, json=body, headers={"Idempotency-Key": submission_id})
    return FinanceStage.model_validate(answer)


def payables(clients: ServiceClients, user: DirectoryEntry) -> list[PayableGroup]:
    return [PayableGroup.model_validate(row) for row in clients.call("payout", "GET", "/finance/payables", user=user)]


def budget_execution(clients: ServiceClients, user: DirectoryEntry, year: int) -> list[FundExecution]:
    rows = clients.call("payout", "GET", "/finance/budget-execution", user=user, params={"year": year})
    return [FundExecution.model_validate(row) for row in rows]


def recipient_history(clients: ServiceClients, user: DirectoryEntry, uscc: str) -> RecipientHistory:
    answer = clients.call("payout", "GET", f"/finance/recipients/{quote(uscc, safe='')}/history", user=user)
    return RecipientHistory.model_validate(answer)


def cost_shares(clients: ServiceClients, user: DirectoryEntry) -> list[CostShare]:
    return [CostShare.model_validate(row) for row in clients.call("payout", "GET", "/finance/cost-shares", user=user)]


def load(clients: ServiceClients, user: DirectoryEntry, what: str, body: dict[str, Any], *, submission_id: str) -> Any:
    """`what`: budgets or cost-shares."""
    return clients.call("payout", "POST", f"/finance/{what}", user=user, json=body, headers={"Idempotency-Key": submission_id})


def download(clients: ServiceClients, user: DirectoryEntry, what: str, params: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """A file payout writes (`what`: bank-batch or stage-register) with its type and name headers."""
    query = {name: value for name, value in params.items() if value is not None}
    answer = clients.send("payout", "GET", f"/finance/{what}", user=user, params=query)
    headers = {name: answer.headers[name] for name in ("content-type", "content-disposition") if name in answer.headers}
    return answer.content, headers
