"""What intake shows of selection rounds and candidacies, to whom (another scope's candidacy → 404)."""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false
from sqlmodel import col, select

from contracts.api.intake import CandidacyPublic, RoundPublic
from contracts.common import ApplicantRef
from contracts.events.selection import CandidacyRef
from infra.auth import Principal
from infra.errors import NotFound
from infra.scope import one_in_scope, scoped
from infra.uow import UnitOfWork
from services.intake.adapters.orm import Candidacy, CandidacyMaterial, SelectionRound
from services.intake.domain.candidacy import STATUS_ZH
from services.intake.service_layer.materials import material_ref, owned

SEE_ALL = frozenset({"auditor", "workflow", "province_chain_office", "leading_group", "chief_of_chiefs"})


def get_round(uow: UnitOfWork, round_id: str) -> SelectionRound:
    selection_round = uow.session.get(SelectionRound, round_id)
    if selection_round is None:
        raise NotFound("遴选批次不存在", round_id=round_id)
    return selection_round


def list_rounds(uow: UnitOfWork, *, limit: int, offset: int) -> list[RoundPublic]:
    query = select(SelectionRound).order_by(col(SelectionRound.opened_at)).limit(limit).offset(offset)
    return [round_public(r) for r in uow.session.exec(query)]


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


def _enterprise(candidacy: Candidacy) -> ApplicantRef:
    return ApplicantRef.stored(uscc=candidacy.enterprise_uscc, name=candidacy.enterprise_name, kind="enterprise",
                               region=candidacy.region)
