"""Awards an event entitles someone to, opened as application cases without anyone applying.

A candidate on the final published list of a 链主/链核 selection (晋政办发〔2023〕44号) is entitled to
the one-off recognition award (晋工信新材料规字〔2024〕1号 9.1.1: 100万 链主 / 50万 链核), and the
development zone that cultivated a provincial 链主 to 50万 (9.4.1). The zone committee is a
recipient only once an admin has registered it (its credit code is not in the seeds): until then
the zone's claim waits, and registering the committee opens every claim that waited for it.
"""
from __future__ import annotations

from sqlmodel import col, select

from contracts.api.intake import RegisterZoneCommittee, SubmitApplication, ZoneCommitteePublic
from contracts.common import ApplicantRef
from contracts.envelope import EventEnvelope
from contracts.events.selection import CandidatePublished
from infra.auth import Principal
from infra.clock import utcnow
from infra.errors import InvalidRequest
from infra.inbox import EventHandler
from infra.uow import UnitOfWork
from policies.errors import PolicyError
from policies.registry import load_registry
from services.intake.adapters.orm import Application, CultivationClaim, ZoneCommittee
from services.intake.service_layer.applications import open_application

RECOGNITION_CLAUSE = "jgx2024-9.1.1"
CULTIVATION_CLAUSE = "jgx2024-9.4.1-leader"
ZONE_LEVELS = frozenset({"dev_zone", "reform_zone"})
KIND_ZH = {"chain_leader": "省级“链主”企业", "chain_core": "省级“链核”企业"}


def on_candidate_published(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    event = CandidatePublished.model_validate(envelope.payload)
    _open_once(
        uow,
        f"APP-{event.candidacy_id}-RECOGNITION",
        SubmitApplication(
            clause_id=RECOGNITION_CLAUSE,
            applicant=event.enterprise,
            facts={"year": event.year, "recognition_published": True, "recognition": event.kind},
        ),
        note=f"{event.enterprise.name} 被认定为{KIND_ZH[event.kind]}（{event.chain_id}，{event.published_on.isoformat()} 公布），"
             "发起一次性认定奖励",
    )
    if event.kind != "chain_leader" or event.zone_id is None:
        return
    if uow.session.get(CultivationClaim, event.candidacy_id) is not None:
        return
    claim = CultivationClaim(
        candidacy_id=event.candidacy_id, zone_id=event.zone_id, leader_uscc=event.enterprise.uscc,
        leader_name=event.enterprise.name, year=event.year, created_at=utcnow(),
    )
    uow.session.add(claim)
    committee = uow.session.get(ZoneCommittee, event.zone_id)
    if committee is not None:
        _open_cultivation(uow, claim, committee)
    uow.audit("cultivation_claim.record", "cultivation_claim", claim.candidacy_id,
              after={"zone_id": claim.zone_id, "leader_uscc": claim.leader_uscc, "application_id": claim.application_id})


def register_zone_committee(uow: UnitOfWork, principal: Principal, command: RegisterZoneCommittee) -> ZoneCommitteePublic:
    try:
        zone = load_registry().region(command.zone_id)
    except (KeyError, PolicyError):
        raise InvalidRequest.on("zone_id", f"未知开发区 {command.zone_id}") from None
    if zone.level not in ZONE_LEVELS:
        raise InvalidRequest.on("zone_id", f"{command.zone_id} 不是开发区或综改区")
    committee = uow.session.get(ZoneCommittee, command.zone_id)
    before = None if committee is None else _public(committee).model_dump(mode="json")
    if committee is None:
        committee = ZoneCommittee(zone_id=command.zone_id, name=command.name, uscc=command.uscc, region=command.region,
                                  registered_by=principal.subject, registered_at=utcnow())
    else:
        committee.name, committee.uscc, committee.region = command.name, command.uscc, command.region
        committee.registered_by, committee.registered_at = principal.subject, utcnow()
    uow.session.add(committee)
    waiting = uow.session.exec(
        select(CultivationClaim).where(CultivationClaim.zone_id == command.zone_id, col(CultivationClaim.application_id).is_(None))
    ).all()
    opened = [_open_cultivation(uow, claim, committee) for claim in waiting]
    result = _public(committee, opened)
    uow.audit("zone_committee.register", "zone_committee", committee.zone_id, before=before, after=result.model_dump(mode="json"))
    return result


def list_zone_committees(uow: UnitOfWork) -> list[ZoneCommitteePublic]:
    return [_public(c) for c in uow.session.exec(select(ZoneCommittee).order_by(col(ZoneCommittee.zone_id)))]


def _open_cultivation(uow: UnitOfWork, claim: CultivationClaim, committee: ZoneCommittee) -> str:
    application_id = f"APP-{claim.candidacy_id}-CULTIVATION"
    _open_once(
        uow,
        application_id,
        SubmitApplication(
            clause_id=CULTIVATION_CLAUSE,
            applicant=ApplicantRef.stored(uscc=committee.uscc, name=committee.name, kind="zone_committee", region=committee.region),
            facts={"year": claim.year, "project_id": claim.leader_uscc, "leader_recognized": True, "leader_in_zone": True},
        ),
        note=f"{committee.name} 培育的 {claim.leader_name} 被认定为省级“链主”企业，发起开发区培育奖励",
    )
    claim.application_id = application_id
    uow.session.add(claim)
    return application_id


def _open_once(uow: UnitOfWork, application_id: str, command: SubmitApplication, *, note: str) -> None:
    if uow.session.get(Application, application_id) is not None:
        return  # the same candidacy published again: its award is already open
    open_application(uow, command, opened_by="system:award-opening", application_id=application_id, note=note)


def _public(committee: ZoneCommittee, opened: list[str] | None = None) -> ZoneCommitteePublic:
    return ZoneCommitteePublic(zone_id=committee.zone_id, name=committee.name, uscc=committee.uscc, region=committee.region,
                               registered_by=committee.registered_by, registered_at=committee.registered_at,
                               opened_claims=opened or [])


HANDLERS: dict[str, EventHandler] = {"selection.candidate.published": on_candidate_published}
