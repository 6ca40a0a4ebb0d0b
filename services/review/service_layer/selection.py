"""Publicity (公示), objections (异议) and publication (公布) of a selection round
(晋政办发〔2023〕44号 遴选程序（五）, seed 004 §10.3).

The round workflow opens the publicity with the approved list; the period is counted in working
days on review's calendar (service_layer/calendar: the statutory one plus the schedules admins loaded). A
period ending in a year nobody can count is never guessed: the publicity waits (status
awaiting_calendar) and an alert event is raised once. Anyone may object during the period (no
login); the province_chain_office verifies each objection. Publication happens only after the end
and once every objection is resolved, and emits `selection.candidate.published` per enterprise.
"""
from __future__ import annotations

import datetime as dt
import secrets
import uuid

from sqlmodel import col, func, select

from contracts.api.selection import (
    EntryPublic,
    LodgeObjection,
    ObjectionPublic,
    ObjectionReceipt,
    OpenPublicity,
    PublicityPublic,
    Publish,
    VerifyObjection,
)
from contracts.events.selection import (
    CandidatePublished,
    ObjectionLodged,
    ObjectionVerified,
    PublicityCalendarMissing,
    PublicityEntry,
    PublicityOpened,
)
from infra.auth import Principal
from infra.clock import utcnow
from infra.errors import Conflict, InvalidRequest, NotFound
from infra.uow import UnitOfWork
from policies.beijing import SHANGHAI, beijing_minute, in_beijing
from policies.errors import CalendarUnavailable
from policies.registry import load_registry
from services.review.adapters.orm import SelectionObjection, SelectionPublicity
from services.review.service_layer.calendar import working_day_calendar

STATUS_ZH = {"awaiting_calendar": "待载入节假日安排后确定公示期", "open": "公示中", "published": "已公布"}
ENTRY_STATUS_ZH = {"listed": "公示中", "removed": "异议成立, 已移出", "published": "已公布"}
OBJECTION_STATUS_ZH = {"open": "待核实", "upheld": "异议成立", "not_upheld": "异议不成立"}


def open_publicity(uow: UnitOfWork, command: OpenPublicity) -> PublicityPublic:
    """Open (or, while waiting for the calendar, retry) the publicity of a round's approved list."""
    publicity = uow.session.get(SelectionPublicity, command.round_id)
    if publicity is None:
        publicity = SelectionPublicity(
            round_id=command.round_id, year=command.year, working_days=command.working_days, starts_on=command.starts_on,
            status="awaiting_calendar", entries=[{**e.model_dump(mode="json"), "status": "listed"} for e in command.entries],
            opened_at=utcnow(),
        )
        uow.session.add(publicity)
        uow.session.flush()
    if publicity.status != "awaiting_calendar":
        return public(uow, publicity)
    start = dt.datetime.combine(publicity.starts_on, dt.time(0), tzinfo=SHANGHAI)
    try:
        deadline = working_day_calendar(uow).deadline(start, publicity.working_days)
    except CalendarUnavailable as error:
        if publicity.calendar_alerted_year != error.year:
            publicity.calendar_alerted_year = error.year
            uow.session.add(publicity)
            uow.publish(PublicityCalendarMissing(
                round_id=publicity.round_id, year=error.year,
                message=f"公示期截止日落在{error.year}年，尚未载入该年节假日安排，公示期无法计算；"
                        f"请管理员载入{error.year}年安排（POST /admin/calendar-schedules）"), correlation_id=publicity.round_id)
            uow.audit("selection.publicity.calendar_missing", "selection_publicity", publicity.round_id,
                      after={"year": error.year})
        else:
            uow.audit("selection.publicity.retry", "selection_publicity", publicity.round_id, after={"year": error.year})
        return public(uow, publicity)
    publicity.ends_at = deadline.ends_at
    publicity.last_day = deadline.last_day
    publicity.status = "open"
    uow.session.add(publicity)
    for entry in publicity.entries:
        uow.publish(PublicityOpened(round_id=publicity.round_id, candidacy_id=entry["candidacy_id"],
                                    starts_on=publicity.starts_on, ends_at=deadline.ends_at), correlation_id=entry["candidacy_id"])
    result = public(uow, publicity)
    uow.audit("selection.publicity.open", "selection_publicity", publicity.round_id,
              after={"starts_on": publicity.starts_on.isoformat(), "ends_at": deadline.ends_at.isoformat(),
                     "counted": [d.isoformat() for d in deadline.counted], "sources": deadline.sources,
                     "entries": len(publicity.entries)})
    return result


def get_publicity(uow: UnitOfWork, round_id: str) -> SelectionPublicity:
    publicity = uow.session.get(SelectionPublicity, round_id)
    if publicity is None:
        raise NotFound("该批次尚未公示", round_id=round_id)
    return publicity


def list_publicities(uow: UnitOfWork, *, limit: int, offset: int) -> list[PublicityPublic]:
    query = select(SelectionPublicity).order_by(col(SelectionPublicity.opened_at)).limit(limit).offset(offset)
    return [public(uow, p) for p in uow.session.exec(query)]


def lodge_objection(uow: UnitOfWork, round_id: str, command: LodgeObjection) -> ObjectionReceipt:
    publicity = get_publicity(uow, round_id)
    now = utcnow()
    if publicity.status == "awaiting_calendar" or publicity.ends_at is None:
        raise Conflict("公示期尚未确定，暂不受理异议", round_id=round_id)
    starts_at = dt.datetime.combine(publicity.starts_on, dt.time(0), tzinfo=SHANGHAI)
    if now < starts_at:
        raise Conflict(f"公示将于 {publicity.starts_on} 开始，届时方可提出异议", starts_on=publicity.starts_on.isoformat())
    if publicity.status != "open" or now >= publicity.ends_at:
        raise Conflict(f"公示期已于 {beijing_minute(publicity.ends_at)}（北京时间）结束，不再受理异议",
                       ends_at=publicity.ends_at.isoformat())
    entry = next((e for e in publicity.entries if e["candidacy_id"] == command.candidacy_id), None)
    if entry is None:
        raise InvalidRequest.on("candidacy_id", "该企业不在本批次公示名单中")
    objection = SelectionObjection(
        id=f"OBJ-{uuid.uuid4().hex[:16].upper()}", round_id=round_id, candidacy_id=command.candidacy_id,
        receipt_number=f"YY{in_beijing(now):%Y%m%d}{secrets.token_hex(4).upper()}",
        objector_name=command.objector_name, contact_phone=command.contact_phone, contact_email=command.contact_email,
        reason=command.reason, status="open", lodged_at=now,
    )
    uow.session.add(objection)
    uow.publish(ObjectionLodged(objection_id=objection.id, round_id=round_id, candidacy_id=objection.candidacy_id,
                                receipt_number=objection.receipt_number, lodged_at=now), correlation_id=objection.candidacy_id)
    uow.audit("selection.objection.lodge", "selection_objection", objection.id,
              after={"round_id": round_id, "candidacy_id": objection.candidacy_id, "receipt_number": objection.receipt_number})
    return ObjectionReceipt(objection_id=objection.id, receipt_number=objection.receipt_number, round_id=round_id,
                            candidacy_id=objection.candidacy_id, lodged_at=now,
                            message=f"异议已受理，回执号 {objection.receipt_number}；省链长办将核实并联系您")


def verify_objection(uow: UnitOfWork, principal: Principal, objection_id: str, command: VerifyObjection) -> ObjectionPublic:
    objection = uow.session.get(SelectionObjection, objection_id)
    if objection is None:
        raise NotFound("异议不存在", objection_id=objection_id)
    if objection.status != "open":
        raise Conflict(f"该异议已核实（{OBJECTION_STATUS_ZH[objection.status]}），不能重复办理", status=objection.status)
    publicity = get_publicity(uow, objection.round_id)
    if publicity.status == "published":
        raise Conflict("名单已公布，不能再核实异议")
    before = {"status": objection.status}
    objection.status = "upheld" if command.upheld else "not_upheld"
    objection.verification_reason = command.reason
    objection.verified_by = principal.subject
    objection.verified_at = utcnow()
    uow.session.add(objection)
    if command.upheld:
        publicity.entries = [{**e, "status": "removed"} if e["candidacy_id"] == objection.candidacy_id else e
                             for e in publicity.entries]
        uow.session.add(publicity)
    uow.publish(ObjectionVerified(objection_id=objection.id, round_id=objection.round_id, candidacy_id=objection.candidacy_id,
                                  upheld=command.upheld, reason=command.reason, verified_by=principal.subject),
                correlation_id=objection.candidacy_id)
    uow.audit("selection.objection.verify", "selection_objection", objection.id, before=before,
              after={"status": objection.status, "reason": command.reason})
    return objection_public(objection)


def list_objections(uow: UnitOfWork, *, round_id: str | None, status: str | None, limit: int,
                    offset: int) -> list[ObjectionPublic]:
    query = select(SelectionObjection).order_by(col(SelectionObjection.lodged_at)).limit(limit).offset(offset)
    if round_id is not None:
        query = query.where(SelectionObjection.round_id == round_id)
    if status is not None:
        query = query.where(SelectionObjection.status == status)
    return [objection_public(o) for o in uow.session.exec(query)]


def publish(uow: UnitOfWork, round_id: str, command: Publish) -> PublicityPublic:
    publicity = get_publicity(uow, round_id)
    if publicity.status == "published":
        return public(uow, publicity)
    if publicity.status != "open" or publicity.ends_at is None:
        raise Conflict("公示期尚未确定，不能公布", round_id=round_id)
    if command.as_of.tzinfo is None or command.as_of < publicity.ends_at:
        raise Conflict(f"公示期至 {beijing_minute(publicity.ends_at)}（北京时间）结束，结束前不能公布",
                       ends_at=publicity.ends_at.isoformat())
    if (unresolved := _unresolved(uow, round_id)) > 0:
        raise Conflict(f"尚有{unresolved}件异议未核实，不能公布", unresolved_objections=unresolved)
    published_on = in_beijing(command.as_of).date()
    entries = []
    for entry in publicity.entries:
        if entry["status"] == "listed":
            listed = PublicityEntry.model_validate(entry)
            uow.publish(CandidatePublished(
                round_id=round_id, candidacy_id=listed.candidacy_id, kind=listed.kind, chain_id=listed.chain_id,
                enterprise=listed.enterprise, zone_id=listed.zone_id, year=publicity.year, published_on=published_on,
            ), correlation_id=listed.candidacy_id)
            entry = {**entry, "status": "published"}
        entries.append(entry)
    publicity.entries = entries
    publicity.status = "published"
    publicity.published_on = published_on
    uow.session.add(publicity)
    result = public(uow, publicity)
    uow.audit("selection.publish", "selection_publicity", round_id,
              after={"published_on": published_on.isoformat(),
                     "published": [e["candidacy_id"] for e in entries if e["status"] == "published"]})
    return result


def public(uow: UnitOfWork, publicity: SelectionPublicity) -> PublicityPublic:
    registry = load_registry()
    entries = []
    for entry in publicity.entries:
        listed = PublicityEntry.model_validate(entry)
        chain = registry.chains.get(listed.chain_id)
        entries.append(EntryPublic(
            candidacy_id=listed.candidacy_id, kind=listed.kind, chain_id=listed.chain_id,
            chain_name=chain.name_zh if chain else listed.chain_id, enterprise_name=listed.enterprise.name,
            enterprise_uscc=listed.enterprise.uscc, status=entry["status"], status_label=ENTRY_STATUS_ZH[entry["status"]]))
    return PublicityPublic(
        round_id=publicity.round_id, year=publicity.year, status=publicity.status, status_label=STATUS_ZH[publicity.status],
        working_days=publicity.working_days, starts_on=publicity.starts_on, last_day=publicity.last_day,
        ends_at=publicity.ends_at, published_on=publicity.published_on,
        unresolved_objections=_unresolved(uow, publicity.round_id), entries=entries,
    )


def objection_public(objection: SelectionObjection) -> ObjectionPublic:
    return ObjectionPublic(
        id=objection.id, receipt_number=objection.receipt_number, round_id=objection.round_id,
        candidacy_id=objection.candidacy_id, objector_name=objection.objector_name, contact_phone=objection.contact_phone,
        contact_email=objection.contact_email, reason=objection.reason, status=objection.status,
        status_label=OBJECTION_STATUS_ZH[objection.status], verification_reason=objection.verification_reason,
        verified_by=objection.verified_by, lodged_at=objection.lodged_at, verified_at=objection.verified_at,
    )


def _unresolved(uow: UnitOfWork, round_id: str) -> int:
    return uow.session.exec(select(func.count()).select_from(SelectionObjection).where(
        SelectionObjection.round_id == round_id, SelectionObjection.status == "open")).one()


