"""Referral projects (以商招商, 9.2.1): a chain_leader registers a project it brought in, then reports
its investment and production over the years; the ReferralAward workflow turns verified reports
into the one-off or two-phase award."""
from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, false, or_
from sqlmodel import col, select

from contracts.api.intake import ProgressPublic, ReferralProjectPublic, RegisterReferral, ReportProgress
from contracts.common import ApplicantRef
from contracts.events.intake import (
    ReferralProgressReported,
    ReferralProjectRef,
    ReferralRegistered,
    ReferralReportRequested,
)
from infra.auth import Principal
from infra.clock import beijing_today, utcnow
from infra.errors import Conflict, Forbidden, InvalidRequest, NotFound
from infra.scope import one_in_scope, scoped
from infra.uow import UnitOfWork
from policies.errors import UnknownChain
from policies.money import format_yuan
from policies.registry import load_registry
from services.intake.adapters.orm import ReferralProgressReport, ReferralProject
from services.intake.domain.referral import planned_fai_problem, yuan_to_fen
from services.intake.service_layer.applications import add_timeline
from services.intake.service_layer.scope import region_prefix

PROVINCE_REVIEWER = "140000.province_industry_dept"


def register(uow: UnitOfWork, principal: Principal, command: RegisterReferral) -> ReferralProjectPublic:
    if principal.role != "enterprise":
        raise Forbidden("只有链主企业可以登记引荐项目")
    if principal.region is None:
        raise InvalidRequest.on("region", "登录令牌缺少注册地行政区划代码")
    if command.investee.uscc == principal.organisation:
        raise InvalidRequest.on("investee.uscc", "引进的企业不能是引荐单位本身")
    if command.chain_id is not None:
        try:
            load_registry().chain(command.chain_id)
        except UnknownChain as error:
            raise InvalidRequest.on("chain_id", error.message) from None
    planned_fai_fen = yuan_to_fen(command.planned_fai_yuan)
    if problem := planned_fai_problem(planned_fai_fen):
        raise InvalidRequest.on("planned_fai_yuan", problem)
    existing = uow.session.exec(select(ReferralProject).where(
        ReferralProject.investee_uscc == command.investee.uscc, ReferralProject.project_code == command.project_code)).first()
    if existing is not None:
        raise Conflict(  # who the other referrer is stays with the departments: not named to a competitor
            "该项目已有引荐单位登记；同一项目主要由一个引荐法人单位享受奖励（晋工信新材料规字〔2024〕1号 9.2.1），"
            "如有异议请联系审核部门", project_code=command.project_code,
        )
    project = ReferralProject(
        id=f"REF-{uuid.uuid4().hex[:16].upper()}",
        referrer_uscc=principal.organisation, referrer_name=command.referrer_name,
        referrer_region=principal.region or command.investee.region,
        investee_uscc=command.investee.uscc, investee_name=command.investee.name, investee_region=command.investee.region,
        project_code=command.project_code, project_name=command.project_name, chain_id=command.chain_id,
        planned_fai_fen=planned_fai_fen, status="registered", registered_by=principal.subject, registered_at=utcnow(),
    )
    uow.session.add(project)
    envelope = uow.publish(ReferralRegistered(project=_reference(project), registered_at=project.registered_at),
                           correlation_id=project.id)
    add_timeline(uow, envelope, f"{project.referrer_name} 登记引荐项目「{project.project_name}」"
                                f"（计划固定资产投资 {format_yuan(planned_fai_fen)} 元）")
    uow.audit("referral.register", "referral_project", project.id, after=_reference(project).model_dump(mode="json"))
    return public(uow, project)


def report_progress(uow: UnitOfWork, principal: Principal, project_id: str, command: ReportProgress) -> ProgressPublic:
    project = get(uow, principal, project_id)
    if principal.role != "enterprise" or project.referrer_uscc != principal.organisation:
        raise Forbidden("只有引荐单位可以报送投资进度")
    if command.as_of > beijing_today():
        raise InvalidRequest.on("as_of", "截至日期不能晚于今天")
    report = ReferralProgressReport(
        id=f"RPT-{uuid.uuid4().hex[:16].upper()}", project_id=project.id,
        completed_fai_fen=yuan_to_fen(command.completed_fai_yuan), investment_complete=command.investment_complete,
        in_production=command.in_production, as_of=command.as_of, note=command.note,
        reported_by=principal.subject, reported_at=utcnow(),
    )
    uow.session.add(report)
    envelope = uow.publish(ReferralProgressReported(
        project_id=project.id, report_id=report.id, completed_fai_fen=report.completed_fai_fen,
        investment_complete=report.investment_complete, in_production=report.in_production, as_of=report.as_of,
    ), correlation_id=project.id)
    state = ("已完成全部投资" if report.investment_complete else "部分投资") + ("、已投产" if report.in_production else "、未投产")
    add_timeline(uow, envelope, f"报送投资进度：截至{report.as_of}累计完成 {format_yuan(report.completed_fai_fen)} 元，{state}")
    uow.audit("referral.report_progress", "referral_project", project.id, after={"report_id": report.id})
    return _progress(report)


def request_report(uow: UnitOfWork, project_id: str, reason: str) -> ReferralProjectPublic:
    project = uow.session.get(ReferralProject, project_id)
    if project is None:
        raise NotFound("引荐项目不存在", project_id=project_id)
    envelope = uow.publish(ReferralReportRequested(project_id=project.id, referrer_uscc=project.referrer_uscc, reason=reason),
                           correlation_id=project.id)
    add_timeline(uow, envelope, f"提醒报送投资进度：{reason}")
    uow.audit("referral.request_report", "referral_project", project.id, after={"reason": reason})
    return public(uow, project)


def visible(principal: Principal) -> ColumnElement[bool] | None:
    if principal.role in ("auditor", "workflow"):
        return None
    if principal.role == "enterprise":
        return or_(col(ReferralProject.referrer_uscc) == principal.organisation,
                   col(ReferralProject.investee_uscc) == principal.organisation)
    if principal.role == "competent_department" and principal.organisation == PROVINCE_REVIEWER:
        return None
    if principal.role == "city_industry_bureau" and principal.region:
        return col(ReferralProject.investee_region).startswith(region_prefix(principal.region))
    return false()


def get(uow: UnitOfWork, principal: Principal, project_id: str) -> ReferralProject:
    return one_in_scope(uow, select(ReferralProject).where(ReferralProject.id == project_id), visible(principal),
                        "引荐项目不存在或不在您的权限范围内", project_id=project_id)


def listing(uow: UnitOfWork, principal: Principal, *, limit: int, offset: int) -> list[ReferralProjectPublic]:
    query = scoped(select(ReferralProject).order_by(col(ReferralProject.registered_at)).limit(limit).offset(offset),
                   visible(principal))
    return [public(uow, project) for project in uow.session.exec(query)]


def public(uow: UnitOfWork, project: ReferralProject) -> ReferralProjectPublic:
    reports = uow.session.exec(select(ReferralProgressReport).where(ReferralProgressReport.project_id == project.id)
                               .order_by(col(ReferralProgressReport.reported_at)))
    reference = _reference(project)
    return ReferralProjectPublic(
        id=project.id, referrer=reference.referrer, investee=reference.investee, project_code=project.project_code,
        project_name=project.project_name, chain_id=project.chain_id, planned_fai_fen=project.planned_fai_fen,
        status=project.status, registered_at=project.registered_at, reports=[_progress(r) for r in reports],
    )


def _reference(project: ReferralProject) -> ReferralProjectRef:
    return ReferralProjectRef(
        project_id=project.id,
        referrer=ApplicantRef.stored(uscc=project.referrer_uscc, name=project.referrer_name, kind="enterprise",
                                     region=project.referrer_region),
        investee=ApplicantRef.stored(uscc=project.investee_uscc, name=project.investee_name, kind="enterprise",
                                     region=project.investee_region),
        project_code=project.project_code, project_name=project.project_name, chain_id=project.chain_id,
        planned_fai_fen=project.planned_fai_fen,
    )


def _progress(report: ReferralProgressReport) -> ProgressPublic:
    return ProgressPublic.model_validate(report, from_attributes=True)
