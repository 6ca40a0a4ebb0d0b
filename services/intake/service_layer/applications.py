"""Submitting an application and reading a case's status and timeline."""
from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from sqlmodel import col, select

from contracts.api.intake import (
    ApplicationPublic,
    ApplicationStatus,
    ResubmitApplication,
    SubmitApplication,
    TimelineEntryPublic,
)
from contracts.common import ApplicantRef
from contracts.envelope import Actor, EventEnvelope
from contracts.events.intake import ApplicationResubmitted, ApplicationSubmitted
from contracts.events.selection import MaterialRef
from infra.auth import Principal
from infra.clock import utcnow
from infra.errors import Conflict, Forbidden, NotFound
from infra.scope import scoped
from infra.uow import UnitOfWork
from policies.catalogue import load_catalogue
from policies.registry import load_registry
from services.intake.adapters.orm import Application, ApplicationMaterial, TimelineEntry
from services.intake.domain.application import STATUS_LABELS
from services.intake.service_layer import clauses
from services.intake.service_layer.materials import decoded, material_ref, owned, store_rows
from services.intake.service_layer.scope import application_filter, on_review_route

APPLICANT_ROLES = frozenset({"enterprise", "zone_committee"})
PROCESS_ROLES = frozenset({"workflow", "system", "public"})  # no person's id to hide


def submit_application(uow: UnitOfWork, principal: Principal, command: SubmitApplication) -> ApplicationPublic:
    if principal.role not in APPLICANT_ROLES:
        raise Forbidden("只有申报单位可以提交申请")
    if command.applicant.uscc != principal.organisation:
        raise Forbidden("只能以本单位名义申报 (applicant.uscc 与登录单位不符)")
    return open_application(uow, command, opened_by=principal.subject)


def open_application(
    uow: UnitOfWork, command: SubmitApplication, *, opened_by: str, application_id: str | None = None, note: str = ""
) -> ApplicationPublic:
    """Check the application against the catalogue and open the case (its event starts the workflow).

    Used by an applicant's submission and by events that entitle someone to an award."""
    facts = clauses.with_applicant_identity(command.clause_id, command.applicant.uscc, command.facts)
    clauses.check_application(command.clause_id, command.applicant.kind, facts)
    files = decoded(command.materials)
    command = command.model_copy(update={"facts": facts})
    now = utcnow()
    application = Application(
        id=application_id or f"APP-{uuid.uuid4().hex[:16].upper()}",
        clause_id=command.clause_id,
        applicant_uscc=command.applicant.uscc,
        applicant_name=command.applicant.name,
        applicant_kind=command.applicant.kind,
        region=command.applicant.region,
        facts=command.facts,
        status=ApplicationStatus.SUBMITTED,
        submitted_by=opened_by,
        submitted_at=now,
        updated_at=now,
    )
    uow.session.add(application)
    uow.session.flush()
    refs = store_rows(uow, opened_by, files, partial(ApplicationMaterial, application_id=application.id))
    envelope = uow.publish(
        ApplicationSubmitted(
            application_id=application.id,
            clause_id=application.clause_id,
            applicant=command.applicant,
            facts=command.facts,
            submitted_at=now,
        ),
        correlation_id=application.id,
    )
    clause = load_catalogue().get(command.clause_id)  # known: check_application passed
    add_timeline(uow, envelope, note or f"{command.applicant.name} 提交申请：{clause.document_number} 第{clause.clause_number}条"
                                        f" {clause.title_zh}",
                 {"materials": [r.model_dump() for r in refs]} if refs else None)
    result = public(application, refs)
    uow.audit("application.submit", "application", application.id, after=result.model_dump(mode="json"))
    return result


def resubmit(uow: UnitOfWork, principal: Principal, application_id: str, command: ResubmitApplication) -> ApplicationPublic:
    """The applicant supplies what a department asked for; the case's workflow reopens the step."""
    application = get_application(uow, principal, application_id)
    if principal.role not in APPLICANT_ROLES or application.applicant_uscc != principal.organisation:
        raise Forbidden("只有申报单位本身可以提交补正材料")
    if application.status != ApplicationStatus.SUPPLEMENT_REQUESTED:
        raise Conflict(f"当前状态为「{STATUS_LABELS[ApplicationStatus(application.status)]}」，无需补正",
                       status=application.status)
    before = detail(uow, application).model_dump(mode="json")
    facts = application.facts
    if command.facts is not None:
        facts = clauses.with_applicant_identity(application.clause_id, application.applicant_uscc, command.facts)
        clauses.check_application(application.clause_id, application.applicant_kind, facts)
    files = decoded(command.materials)
    now = utcnow()
    application.facts, application.status, application.updated_at = facts, ApplicationStatus.UNDER_REVIEW, now
    uow.session.add(application)
    refs = store_rows(uow, principal.subject, files, partial(ApplicationMaterial, application_id=application.id))
    envelope = uow.publish(
        ApplicationResubmitted(application_id=application.id, facts=facts, note=command.note, resubmitted_at=now),
        correlation_id=application.id,
    )
    add_timeline(uow, envelope, f"提交补正材料{('：' + command.note) if command.note else ''}",
                 {"facts_changed": command.facts is not None, "materials": [r.model_dump() for r in refs]})
    result = detail(uow, application)
    uow.audit("application.resubmit", "application", application.id, before=before, after=result.model_dump(mode="json"))
    return result


def get_application(uow: UnitOfWork, principal: Principal, application_id: str) -> Application:
    query = scoped(select(Application).where(Application.id == application_id), application_filter(principal))
    application = uow.session.exec(query).first()
    if application is None:  # the departments on its review route read it too
        application = uow.session.get(Application, application_id)
        if application is None or not on_review_route(principal, application):
            raise NotFound("申请不存在或不在您的权限范围内", application_id=application_id)
    return application


def material(uow: UnitOfWork, principal: Principal, application_id: str, file_id: str) -> ApplicationMaterial:
    """One file of an application in the caller's scope (another application's file: 404)."""
    get_application(uow, principal, application_id)
    return owned(uow, ApplicationMaterial, file_id, application_id=application_id)


def list_applications(
    uow: UnitOfWork, principal: Principal, *, status: ApplicationStatus | None, limit: int, offset: int
) -> list[ApplicationPublic]:
    query = scoped(select(Application).order_by(col(Application.submitted_at).desc()).limit(limit).offset(offset),
                   application_filter(principal))
    if status is not None:
        query = query.where(Application.status == status)
    return [detail(uow, row) for row in uow.session.exec(query)]


def timeline(uow: UnitOfWork, principal: Principal, application_id: str) -> list[TimelineEntryPublic]:
    get_application(uow, principal, application_id)
    return case_timeline(uow, principal, application_id)


def case_timeline(uow: UnitOfWork, principal: Principal, case_id: str) -> list[TimelineEntryPublic]:
    """Every timeline entry of a case, oldest first (the caller has checked the case is in scope).

    An applicant sees which department acted, not the official's own user id; officials see both."""
    rows = uow.session.exec(
        select(TimelineEntry).where(TimelineEntry.case_id == case_id).order_by(
            col(TimelineEntry.occurred_at), col(TimelineEntry.id)
        )
    )
    entries = [TimelineEntryPublic.model_validate(row, from_attributes=True) for row in rows]
    if principal.role not in APPLICANT_ROLES:
        return entries
    return [_as_applicant_sees(entry, principal) for entry in entries]


def _as_applicant_sees(entry: TimelineEntryPublic, principal: Principal) -> TimelineEntryPublic:
    if entry.organisation in (None, principal.organisation) or entry.role in PROCESS_ROLES:
        return entry
    return entry.model_copy(update={"actor": load_registry().organisation_zh(entry.organisation)})


def add_timeline(uow: UnitOfWork, envelope: EventEnvelope, summary: str, details: dict[str, Any] | None = None,
                 actor: Actor | None = None) -> None:
    """A line of the case's timeline; `actor` when the line is told as another's doing than the event's
    (e.g. the system's, for a consequence of an admin's act that concerns no person on the case)."""
    actor = actor or envelope.actor
    uow.session.add(
        TimelineEntry(
            case_id=envelope.correlation_id,
            event_id=str(envelope.id),
            event_type=envelope.type,
            occurred_at=envelope.occurred_at,
            actor=actor.subject,
            role=actor.role,
            organisation=actor.organisation,
            summary=summary[:500],
            details=details or {},
        )
    )


def detail(uow: UnitOfWork, application: Application) -> ApplicationPublic:
    """The application with every material attached to it so far."""
    rows = uow.session.exec(select(ApplicationMaterial).where(ApplicationMaterial.application_id == application.id)
                            .order_by(col(ApplicationMaterial.uploaded_at), col(ApplicationMaterial.id)))
    return public(application, [material_ref(row) for row in rows])


def public(application: Application, materials: list[MaterialRef] | None = None) -> ApplicationPublic:
    status = ApplicationStatus(application.status)
    return ApplicationPublic(
        id=application.id,
        clause_id=application.clause_id,
        applicant=ApplicantRef.stored(
            uscc=application.applicant_uscc,
            name=application.applicant_name,
            kind=application.applicant_kind,
            region=application.region,
        ),
        facts=application.facts,
        status=status,
        status_label=STATUS_LABELS[status],
        submitted_at=application.submitted_at,
        updated_at=application.updated_at,
        materials=materials or [],
    )
