"""Selection rounds and self-nominations (晋政办发〔2023〕44号 遴选程序, seed 004 §10.3 (一)): the commands;
what they show is in selection_views, their requests and answers in contracts.api.intake.

The province_chain_office opens a round (chains, kind, nomination window); an enterprise nominates
itself for one chain, routed to its registration city's industry bureau or, inside the reform zone,
to the reform-zone committee. Later steps (recommendation, completeness check, approval, publicity)
are decided on the review service; intake keeps each candidacy's status and timeline from events.
"""
from __future__ import annotations

import uuid

from sqlmodel import select

from contracts.api.intake import (
    CandidacyPublic,
    ListPublic,
    Nominate,
    OpenRound,
    Resubmit,
    RoundPublic,
    SubmitList,
)
from contracts.events.selection import (
    CandidacyResubmitted,
    CandidateNominated,
    RecommendationListSubmitted,
    SelectionRoundOpened,
)
from infra.auth import Principal
from infra.clock import utcnow
from infra.errors import Conflict, Forbidden, InvalidRequest, NotFound
from infra.uow import UnitOfWork
from policies.errors import UnknownChain, UnknownCity
from policies.registry import load_registry
from policies.selection import recommender
from services.intake.adapters.orm import Candidacy, SelectionRound, TimelineEntry
from services.intake.domain.candidacy import KIND_ZH, STATUS_ZH, follows, nomination_window_refusal, precheck
from services.intake.service_layer.applications import add_timeline
from services.intake.service_layer.materials import decoded, store
from services.intake.service_layer.selection_views import get_candidacy, get_round, public, reference, round_public


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


def nominate(uow: UnitOfWork, principal: Principal, round_id: str, command: Nominate) -> CandidacyPublic:
    if principal.role != "enterprise":
        raise Forbidden("只有企业可以自荐")
    if command.enterprise.uscc != principal.organisation:
        raise Forbidden("只能以本企业名义自荐 (enterprise.uscc 与登录单位不符)")
    if command.enterprise.kind != "enterprise":
        raise InvalidRequest.on("enterprise.kind", "自荐主体须为企业")
    selection_round = get_round(uow, round_id)
    now = utcnow()
    if refusal := nomination_window_refusal(now, selection_round.nomination_opens_at, selection_round.nomination_closes_at):
        raise Conflict(refusal, opens_at=selection_round.nomination_opens_at.isoformat(),
                       closes_at=selection_round.nomination_closes_at.isoformat())
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


def set_status(uow: UnitOfWork, candidacy_id: str, status: str, *, recommended: bool = False,
               keep: tuple[str, ...] = ()) -> bool:
    """Projection helper: follow the procedure's events (False when the case is not a candidacy);
    `keep` names statuses this event leaves alone (domain.candidacy.follows)."""
    candidacy = uow.session.get(Candidacy, candidacy_id)
    if candidacy is None:
        return False
    if follows(candidacy.status, status, keep) == candidacy.status:
        return True
    candidacy.status = status
    candidacy.updated_at = utcnow()
    if recommended:
        candidacy.recommended_at = candidacy.updated_at
    uow.session.add(candidacy)
    return True


