"""Selection rounds and self-nominations (晋政办发〔2023〕44号 遴选程序, seed 004 §10.3 (一)).

The province_chain_office opens a round (chains, kind, nomination window); an enterprise nominates
itself for one chain, routed to its registration city's industry bureau or, inside the reform zone,
to the reform-zone committee. Later steps (recommendation, completeness check, approval, publicity)
are decided on the review service; intake keeps each candidacy's status and timeline from events.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, cast

from pydantic import BaseModel, Field, StrictBool, StrictInt, field_validator
from sqlalchemy import ColumnElement, and_, false
from sqlmodel import col, select

from contracts.common import ApplicantRef
from contracts.events.selection import (
    ApprovalRoute,
    CandidacyRef,
    CandidacyResubmitted,
    CandidateNominated,
    MaterialRef,
    RecommendationListSubmitted,
    SelectionKind,
    SelectionRoundOpened,
)
from infra.auth import Principal
from infra.clock import utcnow
from infra.errors import Conflict, Forbidden, InvalidRequest, NotFound
from infra.uow import UnitOfWork
from infra.scope import one_in_scope, scoped
from policies.beijing import beijing_minute
from policies.criteria import Kind, evaluate
from policies.errors import PolicyError, UnknownChain, UnknownCity
from policies.registry import load_registry
from policies.selection import recommender
from policies.text import Note
from services.intake.adapters.orm import Candidacy, CandidacyMaterial, SelectionRound, TimelineEntry
from services.intake.service_layer.applications import add_timeline
from services.intake.service_layer.materials import MaterialUpload, Uploads, decoded, material_ref, owned, store

DOCUMENT = "晋政办发〔2023〕44号"
MIN_PUBLICITY_WORKING_DAYS = 7  # 公示期不少于7个工作日 (seed 004 §10.3 (五))
KIND_ZH = {"chain_leader": "链主", "chain_core": "链核"}
STATUS_ZH = {
    "nominated": "已自荐, 待市级遴选推荐", "recommended": "已推荐", "declined": "未获推荐",
    "supplement_requested": "待补正", "resubmitted": "已补正", "complete": "材料完整",
    "incomplete": "未通过完整性核查",
    "proposed": "列入建议名单", "not_proposed": "未列入建议名单",
    "approved": "已审定", "not_approved": "未获审定", "in_publicity": "公示中",
    "removed": "异议成立, 已移出名单", "published": "已公布",
}
SEE_ALL = frozenset({"auditor", "workflow", "province_chain_office", "leading_group", "chief_of_chiefs"})


class OpenRound(BaseModel):
    year: StrictInt = Field(ge=2020, le=2100, description="遴选年度")
    kind: SelectionKind = Field(description="chain_leader 链主 / chain_core 链核")
    chain_ids: list[str] = Field(min_length=1, max_length=50, description="参与遴选的产业链, 见 duixian criteria chains")
    nomination_opens_at: datetime = Field(description="自荐开始时间 (含时区)")
    nomination_closes_at: datetime = Field(description="自荐截止时间 (含时区)")
    approval_route: ApprovalRoute = Field(default="leading_group",
                                          description="链主审定路径: leading_group 领导小组审定 / chiefs 链长再总链长逐级审定")
    publicity_working_days: StrictInt = Field(default=MIN_PUBLICITY_WORKING_DAYS, ge=MIN_PUBLICITY_WORKING_DAYS, le=60,
                                        description="公示期(工作日), 不少于7个工作日")
    publicity_starts_on: date | None = Field(default=None, ge=date(2000, 1, 1), le=date(2100, 12, 31),
                                             description="公示开始日期; 省略则审定完成当日开始")

    @field_validator("chain_ids")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("产业链重复")
        return value


class RoundPublic(BaseModel):
    id: str
    year: int
    kind: SelectionKind
    chain_ids: list[str]
    nomination_opens_at: datetime
    nomination_closes_at: datetime
    approval_route: ApprovalRoute
    publicity_working_days: int
    publicity_starts_on: date | None
    opened_at: datetime


class Nominate(BaseModel):
    enterprise: ApplicantRef = Field(description="自荐企业; region 为注册地行政区划代码")
    in_reform_zone: StrictBool = Field(default=False, description="注册在山西转型综改示范区")
    chain_id: str = Field(min_length=1, max_length=64)
    zone_id: str | None = Field(default=None, max_length=64, description="培育该企业的开发区 (可选)")
    facts: dict[str, Any] = Field(default_factory=dict, description="申报事实, 字段见 policies/criteria.py")
    materials: list[MaterialUpload] = Uploads


class Resubmit(BaseModel):
    facts: dict[str, Any] | None = Field(default=None, description="补正后的申报事实; 省略则不变")
    materials: list[MaterialUpload] = Uploads


class CandidacyPublic(BaseModel):
    id: str
    round_id: str
    kind: SelectionKind
    chain_id: str
    enterprise: ApplicantRef
    in_reform_zone: bool
    zone_id: str | None
    assignee_role: str
    assignee_org: str
    facts: dict[str, Any]
    precheck: dict[str, Any]
    status: str
    status_label: str
    materials: list[MaterialRef]
    nominated_at: datetime
    updated_at: datetime


def open_round(uow: UnitOfWork, principal: Principal, command: OpenRound) -> RoundPublic:
    if command.nomination_opens_at.tzinfo is None:
        raise InvalidRequest.on("nomination_opens_at", "须带时区")
    if command.nomination_closes_at.tzinfo is None:
        raise InvalidRequest.on("nomination_closes_at", "须带时区")
    if command.nomination_closes_at <= command.nomination_opens_at:
        raise InvalidRequest.on("nomination_closes_at", "自荐截止时间须晚于开始时间")
    registry = load_registry()
    for index, chain_id in enumerate(command.chain_ids):
        try:
            registry.chain(chain_id)
        except UnknownChain as error:
            raise InvalidRequest.on(f"chain_ids.{index}", error.message) from None
    now = utcnow()
    selection_round = SelectionRound(
        id=f"SEL-{command.year}-{uuid.uuid4().hex[:10].upper()}", year=command.year, kind=command.kind,
        chain_ids=command.chain_ids, nomination_opens_at=command.nomination_opens_at,
        nomination_closes_at=command.nomination_closes_at, approval_route=command.approval_route,
        publicity_working_days=command.publicity_working_days, publicity_starts_on=command.publicity_starts_on,
        opened_by=principal.subject, opened_at=now,
    )
    uow.session.add(selection_round)
    envelope = uow.publish(SelectionRoundOpened(
        round_id=selection_round.id, year=command.year, kind=command.kind, chain_ids=command.chain_ids,
        nomination_opens_at=command.nomination_opens_at, nomination_closes_at=command.nomination_closes_at,
        approval_route=command.approval_route, publicity_working_days=command.publicity_working_days,
        publicity_starts_on=command.publicity_starts_on,
    ), correlation_id=selection_round.id)
    add_timeline(uow, envelope, f"开启{command.year}年度{KIND_ZH[command.kind]}企业遴选（{len(command.chain_ids)}条产业链）")
    result = round_public(selection_round)
    uow.audit("selection.round.open", "selection_round", selection_round.id, after=result.model_dump(mode="json"))
    return result


def get_round(uow: UnitOfWork, round_id: str) -> SelectionRound:
    selection_round = uow.session.get(SelectionRound, round_id)
    if selection_round is None:
        raise NotFound("遴选批次不存在", round_id=round_id)
    return selection_round


def list_rounds(uow: UnitOfWork, *, limit: int, offset: int) -> list[RoundPublic]:
    query = select(SelectionRound).order_by(col(SelectionRound.opened_at)).limit(limit).offset(offset)
    return [round_public(r) for r in uow.session.exec(query)]


def nominate(uow: UnitOfWork, principal: Principal, round_id: str, command: Nominate) -> CandidacyPublic:
    if principal.role != "enterprise":
        raise Forbidden("只有企业可以自荐")
    if command.enterprise.uscc != principal.organisation:
        raise Forbidden("只能以本企业名义自荐 (enterprise.uscc 与登录单位不符)")
    if command.enterprise.kind != "enterprise":
        raise InvalidRequest.on("enterprise.kind", "自荐主体须为企业")
    selection_round = get_round(uow, round_id)
    now = utcnow()
    if now >= selection_round.nomination_closes_at:
        closes = beijing_minute(selection_round.nomination_closes_at)
        raise Conflict(f"自荐已于 {closes}（北京时间）截止", closes_at=selection_round.nomination_closes_at.isoformat())
    if now < selection_round.nomination_opens_at:
        opens = beijing_minute(selection_round.nomination_opens_at)
        raise Conflict(f"自荐将于 {opens}（北京时间）开始", opens_at=selection_round.nomination_opens_at.isoformat())
    if command.chain_id not in selection_round.chain_ids:
        raise InvalidRequest.on("chain_id", f"产业链“{command.chain_id}”不在本批次遴选范围内")
    registry = load_registry()
    try:
        chain = registry.chain(command.chain_id)
    except UnknownChain as error:  # pragma: no cover - the round only holds known chains
        raise InvalidRequest.on("chain_id", error.message) from None
    if command.zone_id is not None:
        zone = registry.regions.get(command.zone_id)
        if zone is None or zone.level != "dev_zone":
            raise InvalidRequest.on("zone_id", f"没有开发区“{command.zone_id}”")
    try:
        role, organisation = recommender(command.enterprise.region, in_reform_zone=command.in_reform_zone)
    except UnknownCity as error:
        raise InvalidRequest.on("enterprise.region", error.message) from None
    materials = decoded(command.materials)
    existing = uow.session.exec(select(Candidacy).where(
        Candidacy.round_id == round_id, Candidacy.chain_id == command.chain_id,
        Candidacy.enterprise_uscc == command.enterprise.uscc)).first()
    if existing is not None:
        raise Conflict(f"该企业已在本批次自荐{chain.name_zh}（{existing.id}），不能重复自荐", candidacy_id=existing.id)
    candidacy = Candidacy(
        id=f"CAND-{uuid.uuid4().hex[:16].upper()}", round_id=round_id, kind=selection_round.kind, chain_id=chain.id,
        enterprise_uscc=command.enterprise.uscc, enterprise_name=command.enterprise.name, region=command.enterprise.region,
        in_reform_zone=command.in_reform_zone, zone_id=command.zone_id, assignee_role=role, assignee_org=organisation,
        facts=command.facts, precheck=precheck(selection_round.kind, chain.id, command.enterprise.uscc, command.facts),
        status="nominated", nominated_by=principal.subject, nominated_at=now, updated_at=now,
    )
    uow.session.add(candidacy)
    uow.session.flush()
    refs = store(uow, principal, candidacy.id, materials)
    envelope = uow.publish(CandidateNominated(candidacy=reference(candidacy), materials=refs, nominated_at=now),
                           correlation_id=candidacy.id)
    add_timeline(uow, envelope, f"{candidacy.enterprise_name} 自荐为{chain.name_zh}{KIND_ZH[candidacy.kind]}企业，"
                                f"提交至 {registry.organisation_zh(organisation)}", {"materials": [r.model_dump() for r in refs]})
    result = public(uow, candidacy)
    uow.audit("selection.nominate", "candidacy", candidacy.id, after=reference(candidacy).model_dump(mode="json"))
    return result


def resubmit(uow: UnitOfWork, principal: Principal, candidacy_id: str, command: Resubmit) -> CandidacyPublic:
    candidacy = get_candidacy(uow, principal, candidacy_id)
    if principal.role != "enterprise" or candidacy.enterprise_uscc != principal.organisation:
        raise Forbidden("只有自荐企业可以提交补正材料")
    if candidacy.status != "supplement_requested":
        raise Conflict(f"当前状态为「{STATUS_ZH.get(candidacy.status, candidacy.status)}」，无需补正", status=candidacy.status)
    materials = decoded(command.materials)
    before = {"status": candidacy.status}
    if command.facts is not None:
        candidacy.facts = command.facts
        candidacy.precheck = precheck(candidacy.kind, candidacy.chain_id, candidacy.enterprise_uscc, command.facts)
    candidacy.status = "resubmitted"
    candidacy.updated_at = utcnow()
    uow.session.add(candidacy)
    refs = store(uow, principal, candidacy.id, materials)
    envelope = uow.publish(CandidacyResubmitted(candidacy_id=candidacy.id, round_id=candidacy.round_id,
                                                facts=candidacy.facts, precheck=candidacy.precheck, materials=refs,
                                                resubmitted_at=candidacy.updated_at),
                           correlation_id=candidacy.id)
    add_timeline(uow, envelope, f"提交补正材料（{len(refs)}份文件）", {"materials": [r.model_dump() for r in refs]})
    uow.audit("selection.resubmit", "candidacy", candidacy.id, before=before, after={"status": candidacy.status})
    return public(uow, candidacy)


class SubmitList(BaseModel):
    note: Note = Field(default="", max_length=2000, description="报送说明")


class ListPublic(BaseModel):
    round_id: str
    organisation: str
    candidacy_ids: list[str]
    submitted_at: datetime


def submit_list(uow: UnitOfWork, principal: Principal, round_id: str, command: SubmitList) -> ListPublic:
    """The bureau (or reform-zone committee) submits its recommendation list to the province_chain_office;
    it is copied read-only to each chain's chain_lead_unit (seed 004 §10.3 (二))."""
    get_round(uow, round_id)
    own = list(uow.session.exec(select(Candidacy).where(
        Candidacy.round_id == round_id, Candidacy.assignee_org == principal.organisation,
        Candidacy.assignee_role == principal.role)))
    if not own:
        raise NotFound("本单位在该批次没有自荐企业", round_id=round_id)
    if any(c.listed_at is not None for c in own):
        raise Conflict("本单位已报送该批次推荐名单", round_id=round_id)
    undecided = [c.id for c in own if c.status == "nominated"]
    if undecided:
        raise Conflict(f"尚有{len(undecided)}家自荐企业未作推荐或不推荐决定，不能报送名单", undecided=undecided)
    now = utcnow()
    listed = [c for c in own if c.status == "recommended"]
    for candidacy in listed:
        candidacy.listed_at = now
        uow.session.add(candidacy)
    envelope = uow.publish(RecommendationListSubmitted(round_id=round_id, organisation=principal.organisation,
                                                       candidacy_ids=[c.id for c in listed], submitted_at=now),
                           correlation_id=round_id)
    for candidacy in listed:
        uow.session.add(TimelineEntry(
            case_id=candidacy.id, event_id=str(envelope.id), event_type=envelope.type, occurred_at=envelope.occurred_at,
            actor=principal.subject, role=principal.role, organisation=principal.organisation,
            summary=f"{load_registry().organisation_zh(principal.organisation)} 报送推荐名单（{len(listed)}家）至省链长办，"
                    "抄送链长牵头单位", details={}))
    uow.audit("selection.list.submit", "selection_round", round_id,
              after={"organisation": principal.organisation, "candidacy_ids": [c.id for c in listed], "note": command.note})
    return ListPublic(round_id=round_id, organisation=principal.organisation, candidacy_ids=[c.id for c in listed],
                      submitted_at=now)


def precheck(kind: str, chain_id: str, uscc: str, facts: dict[str, Any]) -> dict[str, Any]:
    """The automatic criteria check of 10.1/10.2 shown beside each candidate (never decides alone)."""
    chain = load_registry().chain(chain_id)
    clean = {k: v for k, v in facts.items() if k not in ("entity_id", "chain_id")}
    try:
        criteria = cast(Kind, kind)  # rounds are opened with a SelectionKind; the column stores it as text
        return evaluate(criteria, chain, {**clean, "entity_id": uscc, "chain_id": chain_id}).model_dump(mode="json")
    except PolicyError as error:
        return {"overall": "needs_review", "overall_zh": "需人工核查", "error_zh": error.message}
    except (ValueError, TypeError) as error:
        return {"overall": "needs_review", "overall_zh": "需人工核查", "error_zh": str(error)[:500]}


def visible(principal: Principal) -> ColumnElement[bool] | None:
    if principal.role in SEE_ALL:
        return None
    if principal.role == "enterprise":
        return col(Candidacy.enterprise_uscc) == principal.organisation
    if principal.role in ("city_industry_bureau", "reform_zone_committee"):
        return and_(col(Candidacy.assignee_org) == principal.organisation, col(Candidacy.assignee_role) == principal.role)
    if principal.role in ("chain_lead_unit", "chain_chief") and principal.chains:
        # the recommendation list is copied to each chain's lead unit (read-only) once recommended
        return and_(col(Candidacy.chain_id).in_(principal.chains), col(Candidacy.listed_at).is_not(None))
    return false()


def get_candidacy(uow: UnitOfWork, principal: Principal, candidacy_id: str) -> Candidacy:
    return one_in_scope(uow, select(Candidacy).where(Candidacy.id == candidacy_id), visible(principal),
                        "自荐记录不存在或不在您的权限范围内", candidacy_id=candidacy_id)


def material(uow: UnitOfWork, principal: Principal, candidacy_id: str, file_id: str) -> CandidacyMaterial:
    get_candidacy(uow, principal, candidacy_id)
    return owned(uow, CandidacyMaterial, file_id, candidacy_id=candidacy_id)


def list_candidacies(uow: UnitOfWork, principal: Principal, *, round_id: str | None, status: str | None,
                     limit: int, offset: int) -> list[CandidacyPublic]:
    query = scoped(select(Candidacy).order_by(col(Candidacy.nominated_at), col(Candidacy.id)).limit(limit).offset(offset),
                   visible(principal))
    if round_id is not None:
        query = query.where(Candidacy.round_id == round_id)
    if status is not None:
        query = query.where(Candidacy.status == status)
    return [public(uow, c) for c in uow.session.exec(query)]


def reference(candidacy: Candidacy) -> CandidacyRef:
    return CandidacyRef(
        candidacy_id=candidacy.id, round_id=candidacy.round_id, kind=candidacy.kind,
        chain_id=candidacy.chain_id, enterprise=_enterprise(candidacy), zone_id=candidacy.zone_id,
        assignee_role=candidacy.assignee_role, assignee_org=candidacy.assignee_org, facts=candidacy.facts,
        precheck=candidacy.precheck,
    )


def public(uow: UnitOfWork, candidacy: Candidacy) -> CandidacyPublic:
    rows = uow.session.exec(select(CandidacyMaterial).where(CandidacyMaterial.candidacy_id == candidacy.id)
                            .order_by(col(CandidacyMaterial.uploaded_at), col(CandidacyMaterial.id)))
    return CandidacyPublic(
        id=candidacy.id, round_id=candidacy.round_id, kind=candidacy.kind,
        chain_id=candidacy.chain_id, enterprise=_enterprise(candidacy), in_reform_zone=candidacy.in_reform_zone,
        zone_id=candidacy.zone_id, assignee_role=candidacy.assignee_role, assignee_org=candidacy.assignee_org,
        facts=candidacy.facts, precheck=candidacy.precheck, status=candidacy.status,
        status_label=STATUS_ZH.get(candidacy.status, candidacy.status), materials=[material_ref(m) for m in rows],
        nominated_at=candidacy.nominated_at, updated_at=candidacy.updated_at,
    )


def round_public(selection_round: SelectionRound) -> RoundPublic:
    return RoundPublic.model_validate(selection_round, from_attributes=True)


def set_status(uow: UnitOfWork, candidacy_id: str, status: str, *, recommended: bool = False,
               keep: tuple[str, ...] = ()) -> bool:
    """Projection helper: follow the procedure's events (False when the case is not a candidacy).

    A removed or published candidacy stays so; `keep` names further statuses this event leaves alone.
    """
    candidacy = uow.session.get(Candidacy, candidacy_id)
    if candidacy is None:
        return False
    if candidacy.status in ("removed", "published", *keep):
        return True
    candidacy.status = status
    candidacy.updated_at = utcnow()
    if recommended:
        candidacy.recommended_at = candidacy.updated_at
    uow.session.add(candidacy)
    return True


def _enterprise(candidacy: Candidacy) -> ApplicantRef:
    return ApplicantRef.stored(uscc=candidacy.enterprise_uscc, name=candidacy.enterprise_name, kind="enterprise",
                               region=candidacy.region)
