"""Page logic of the province chain office (省链长办, 晋政办发〔2023〕44号 遴选程序): open a selection round, follow
its candidacies (the completeness check and the gathering of lists are its tasks in 待办), and verify the
objections lodged during publicity (成立 removes the enterprise from the list, 不成立 keeps it, with reasons)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from policies.beijing import SHANGHAI
from policies.registry import load_registry
from services.portal.adapters import selection
from services.portal.adapters.intake import Tolerant, send_once
from services.portal.adapters.selection import Candidacy, Round
from services.portal.adapters.services import ServiceClients, ServiceRefused
from services.portal.domain.directory import DirectoryEntry
from services.portal.service_layer.applications import Sent, submission_id_of

KINDS = {"chain_leader": "链主企业", "chain_core": "链核企业"}
ROUTES = {"leading_group": "领导小组审定", "chiefs": "链长、总链长逐级审定"}
ROUND_FIELDS = ("year", "kind", "opens_on", "closes_on", "approval_route", "publicity_working_days")


class Objection(Tolerant):
    id: str
    receipt_number: str
    round_id: str
    candidacy_id: str
    objector_name: str
    reason: str
    status: str
    status_label: str
    verification_reason: str | None = None
    lodged_at: dt.datetime
    verified_at: dt.datetime | None = None


def chains() -> list[tuple[str, str]]:
    """(id, name) of every chain; a name both the province and Changzhi use says whose it is:
    光伏产业链（省级） and 光伏产业链（市级）, never two boxes with the same words."""
    registry = load_registry()
    names = [c.name_zh for c in registry.chains.values()]
    return [(c.id, c.name_zh if names.count(c.name_zh) == 1 else
             f"{c.name_zh}（{'省级' if c.level == 'province' else '市级'}）") for c in registry.chains.values()]


@dataclass
class RoundForm:
    values: dict[str, str] = field(default_factory=dict)
    chain_ids: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    submission_id: str = field(default_factory=lambda: submission_id_of({}))
    refusal: str | None = None

    def value(self, name: str) -> str:
        return self.values.get(name, "")


def _day(form: RoundForm, name: str, end: bool) -> str | None:
    try:
        day = dt.date.fromisoformat(form.value(name))
    except ValueError:
        form.errors[name] = "请填写日期，如 2026-03-01"
        return None
    moment = dt.datetime.combine(day, dt.time(23, 59, 59) if end else dt.time(0, 0), SHANGHAI)
    return moment.isoformat()


def open_round(clients: ServiceClients, user: DirectoryEntry, form_data: Any) -> Sent | RoundForm:
    form = RoundForm({name: str(form_data.get(name) or "").strip() for name in ROUND_FIELDS},
                     [str(c) for c in form_data.getlist("chain_ids")], submission_id=submission_id_of(form_data))
    if not form.value("year").isdigit():
        form.errors["year"] = "请填写遴选年度（四位数字）"
    if form.value("kind") not in KINDS:
        form.errors["kind"] = "请选择遴选类别"
    if not form.chain_ids:
        form.errors["chain_ids"] = "请至少选择一条产业链"
    opens, closes = _day(form, "opens_on", False), _day(form, "closes_on", True)
    if not form.value("publicity_working_days").isdigit():
        form.errors["publicity_working_days"] = "请填写公示期（工作日数，不少于7）"
    if form.errors:
        return form
    body = {"year": int(form.value("year")), "kind": form.value("kind"), "chain_ids": form.chain_ids,
            "nomination_opens_at": opens, "nomination_closes_at": closes,
            "approval_route": form.value("approval_route") or "leading_group",
            "publicity_working_days": int(form.value("publicity_working_days"))}
    try:
        created = send_once(clients, user, "/selection/rounds", body, key=f"round-{form.submission_id}")
    except ServiceRefused as refused:
        named = {"nomination_opens_at": "opens_on", "nomination_closes_at": "closes_on"}
        form.errors.update({named.get(k, k): v for k, v in refused.field_errors().items()})
        form.refusal = refused.error.message
        return form
    return Sent(created["id"])


@dataclass
class RoundPage:
    round: Round
    candidacies: list[Candidacy]


def round_page(clients: ServiceClients, user: DirectoryEntry, round_id: str) -> RoundPage:
    found = selection.get_round(clients, user, round_id)
    rows = clients.call("intake", "GET", "/selection/candidacies", user=user, params={"round_id": round_id, "limit": 500})
    return RoundPage(found, [Candidacy.model_validate(r) for r in rows])


def objections(clients: ServiceClients, user: DirectoryEntry, status: str | None) -> list[Objection]:
    params: dict[str, Any] = {"limit": 500}
    if status:
        params["status"] = status
    return [Objection.model_validate(o) for o in clients.call("review", "GET", "/selection/objections", user=user, params=params)]


@dataclass
class Verification:
    objection_id: str
    errors: dict[str, str] = field(default_factory=dict)
    refusal: str | None = None
    upheld: str = ""
    reason: str = ""


def verify(clients: ServiceClients, user: DirectoryEntry, objection_id: str, form_data: Any) -> Sent | Verification:
    form = Verification(objection_id, upheld=str(form_data.get("upheld") or ""), reason=str(form_data.get("reason") or "").strip())
    if form.upheld not in ("true", "false"):
        form.errors["upheld"] = "请选择核实结论"
    if not form.reason:
        form.errors["reason"] = "请填写核实结论与理由"
    if form.errors:
        return form
    try:
        clients.call("review", "POST", f"/selection/objections/{quote(objection_id, safe='')}/verification", user=user,
                     json={"upheld": form.upheld == "true", "reason": form.reason},
                     headers={"Idempotency-Key": f"portal-verify-{objection_id}"})  # one verification per objection
    except ServiceRefused as refused:
        form.errors.update({k: v for k, v in refused.field_errors().items() if k in ("upheld", "reason")})
        form.refusal = refused.error.message
        return form
    return Sent(objection_id)
