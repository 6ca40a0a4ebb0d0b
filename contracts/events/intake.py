from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from contracts.common import ApplicantRef
from contracts.registry import event


@event("intake.application.submitted", summary="申请已提交 — an applicant submitted an application for a clause")
class ApplicationSubmitted(BaseModel):
    application_id: str
    clause_id: str
    applicant: ApplicantRef
    facts: dict[str, Any] = Field(default_factory=dict, description="申报事实 as declared")
    submitted_at: datetime


@event("intake.application.resubmitted", summary="补正材料已提交 — the applicant supplied what a department asked for")
class ApplicationResubmitted(BaseModel):
    application_id: str
    facts: dict[str, Any] = Field(default_factory=dict, description="申报事实 after the supplement")
    note: str = ""
    resubmitted_at: datetime


class ReferralProjectRef(BaseModel):
    project_id: str
    referrer: ApplicantRef
    investee: ApplicantRef
    project_code: str
    project_name: str
    chain_id: str | None = None
    planned_fai_fen: int


@event("intake.referral.registered", summary="引荐项目已登记 — a chain_leader registered a project it brought in (9.2.1)")
class ReferralRegistered(BaseModel):
    project: ReferralProjectRef
    registered_at: datetime


@event("intake.referral.progress_reported", summary="投资进度已报送 — the referrer reported investment and production")
class ReferralProgressReported(BaseModel):
    project_id: str
    report_id: str
    completed_fai_fen: int
    investment_complete: bool
    in_production: bool
    as_of: date


@event("intake.referral.report_requested", summary="请报送投资进度 — the yearly reminder to report progress")
class ReferralReportRequested(BaseModel):
    project_id: str
    referrer_uscc: str
    reason: str
