"""Page logic of the public 公示 pages: the lists in publicity, one list with its period, and an objection."""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from infra.clock import utcnow
from policies.beijing import SHANGHAI
from policies.calendar import WorkingDayCalendar
from services.portal.adapters import review
from services.portal.adapters.services import ServiceClients, ServiceRefused
from services.portal.domain.objections import ObjectionForm, read_objection_form
from services.portal.domain.periods import remaining_working_days

KIND_LABELS = {"chain_leader": "链主企业", "chain_core": "链核企业"}


@dataclass(frozen=True)
class PublicityView:
    publicity: review.Publicity
    remaining_working_days: int | None
    accepts_objections: bool
    not_started: bool

    @property
    def kinds(self) -> str:
        return "、".join(dict.fromkeys(KIND_LABELS.get(e.kind, e.kind) for e in self.publicity.entries)) or "—"

    @property
    def status_label(self) -> str:
        """Review's label, except a period that is over but not yet published (review publishes after it)."""
        if self.publicity.status == "open" and not self.accepts_objections and not self.not_started:
            return "公示期已结束，待公布"
        return self.publicity.status_label

    @property
    def listed(self) -> list[review.PublicityEntry]:
        return [e for e in self.publicity.entries if e.status == "listed"]


def view(publicity: review.Publicity, calendar: WorkingDayCalendar, now: dt.datetime | None = None) -> PublicityView:
    now = now or utcnow()
    today = now.astimezone(SHANGHAI).date()
    started = now >= dt.datetime.combine(publicity.starts_on, dt.time(0), tzinfo=SHANGHAI)
    open_now = publicity.status == "open" and publicity.ends_at is not None and now < publicity.ends_at
    remaining = (remaining_working_days(calendar, today, publicity.last_day, opened_on=publicity.starts_on)
                 if publicity.last_day and open_now else None)
    return PublicityView(publicity, remaining, open_now and started, not started)


def list_page(clients: ServiceClients, client_address: str | None, calendar: WorkingDayCalendar) -> list[PublicityView]:
    views = [view(p, calendar) for p in review.list_publicities(clients, client_address)]
    return sorted(views, key=lambda v: v.publicity.starts_on, reverse=True)


def detail_page(clients: ServiceClients, client_address: str | None, round_id: str, calendar: WorkingDayCalendar) -> PublicityView:
    return view(review.get_publicity(clients, client_address, round_id), calendar)


@dataclass(frozen=True)
class Lodged:
    receipt: review.ObjectionReceipt | None = None
    form: ObjectionForm | None = None
    refusal: str | None = None  # review's reason the objection is not accepted (e.g. the period ended, naming its end)


def lodge(clients: ServiceClients, client_address: str | None, page: PublicityView, form: Mapping[str, str]) -> Lodged:
    """Check the form, then hand it to review; errors come back beside their fields, a refusal whole."""
    objection = read_objection_form(form, {e.candidacy_id for e in page.listed})
    if not objection.valid:
        return Lodged(form=objection)
    try:
        receipt = review.lodge_objection(clients, client_address, page.publicity.round_id, objection.body(),
                                         submission_id=str(form.get("submission_id") or "")[:64] or uuid.uuid4().hex)
    except ServiceRefused as refused:
        fields = {k: v for k, v in refused.field_errors().items() if k in objection.values}
        if refused.status_code == 422 and fields:
            objection.errors.update({name: "内容不符合要求：" + reason if not _chinese(reason) else reason
                                     for name, reason in fields.items()})
            return Lodged(form=objection)
        return Lodged(form=objection, refusal=refused.error.message)
    return Lodged(receipt=receipt)


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
