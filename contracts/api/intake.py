"""intake's API: its routes' requests and answers that callers (the portal, tests, workflows) share.

Applications: an applicant's submission, 补正 and the case's status and timeline. Materials: PDF, PNG or JPEG files,
base64 in the JSON body, at most 10 MB a file, 20 files and 50 MB in all per request. The policy catalogue as
applicants read it; the 链主/链核 criteria form and pre-check. Selection: 链主/链核 rounds and self-nominations
(晋政办发〔2023〕44号 遴选程序, seed 004 §10.3). Zone committees (9.4.1) and referral projects (以商招商, 9.2.1).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt, field_validator

from contracts.api.selection import MIN_PUBLICITY_WORKING_DAYS
from contracts.common import MIB, ApplicantRef, RegionCode, Uscc, base64_size
from contracts.events.selection import ApprovalRoute, MaterialRef, SelectionKind
from policies.money import Yuan
from policies.text import LongText, Note, Text

MAX_FILE_BYTES = 10 * MIB
MAX_FILES = 20
MAX_TOTAL_BYTES = 50 * MIB

class MaterialUpload(BaseModel):
    filename: Text = Field(min_length=1, max_length=200)
    content_type: Literal["application/pdf", "image/png", "image/jpeg"] = Field(description="允许 PDF、PNG、JPEG")
    content_base64: str = Field(min_length=1, max_length=base64_size(MAX_FILE_BYTES), description="文件内容(base64)")


Uploads: list[MaterialUpload] = Field(default_factory=list, max_length=MAX_FILES,
                description=f"附件: 每份不超过 {MAX_FILE_BYTES // MIB}MB, 合计不超过 {MAX_TOTAL_BYTES // MIB}MB")


# Selection rounds and self-nominations.

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


class SubmitList(BaseModel):
    note: Note = Field(default="", max_length=2000, description="报送说明")


class ListPublic(BaseModel):
    round_id: str
    organisation: str
    candidacy_ids: list[str]
    submitted_at: datetime


# Applications.

class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAYOUT_PLANNED = "payout_planned"
    PARTLY_DISBURSED = "partly_disbursed"
    COMPLETED = "completed"
    CLAWED_BACK = "clawed_back"


class SubmitApplication(BaseModel):
    clause_id: str = Field(max_length=64, description="申报条款标识, 见 duixian policy list")
    applicant: ApplicantRef
    facts: dict[str, Any] = Field(default_factory=dict, description="申报事实, 各条款所需字段见条款说明")
    materials: list[MaterialUpload] = Uploads


class ResubmitApplication(BaseModel):
    facts: dict[str, Any] | None = Field(default=None, description="补正后的完整申报事实; 省略则不变")
    note: Note = Field(default="", max_length=2000, description="补正说明 (所补材料、更正事项)")
    materials: list[MaterialUpload] = Uploads


class ApplicationPublic(BaseModel):
    id: str
    clause_id: str
    applicant: ApplicantRef
    facts: dict[str, Any]
    status: ApplicationStatus
    status_label: str
    submitted_at: datetime
    updated_at: datetime
    materials: list[MaterialRef] = Field(default_factory=list, description="申请及补正时所附材料 (文件名、大小、SHA-256)")


class TimelineEntryPublic(BaseModel):
    occurred_at: datetime
    event_type: str
    actor: str
    role: str
    organisation: str | None
    summary: str
    details: dict[str, Any]


# Zone committees (9.4.1).

class RegisterZoneCommittee(BaseModel):
    zone_id: str = Field(min_length=1, max_length=64, description="开发区标识 (见 policies 区域名录, 如 changzhi_high_tech_zone)")
    name: Text = Field(min_length=1, max_length=200, description="管委会名称")
    uscc: Uscc
    region: RegionCode


class ZoneCommitteePublic(BaseModel):
    zone_id: str
    name: str
    uscc: str
    region: str
    registered_by: str
    registered_at: datetime
    opened_claims: list[str] = Field(default_factory=list, description="本次登记后发起的培育奖励申请")


# The policy catalogue and the 链主/链核 criteria.

class CapPublic(BaseModel):
    title_zh: str
    amount_yuan: int | None


class ClausePublic(BaseModel):
    """A clause of the catalogue as an applicant reads it: 文号, clause number, who may apply, the original text."""

    id: str
    document_number: str
    document_title: str
    clause_number: str
    title_zh: str
    amount_kind: str
    applicants: list[str]
    applicant_note_zh: str
    departments_zh: list[str]
    payout_mode: str
    caps: list[CapPublic]
    publicity_required: bool
    effective_from: date | None
    effective_to: date | None
    source_excerpt: str = Field(description="条款原文 (摘自政策文件)")
    notes_zh: list[str]


class ClauseDetail(ClausePublic):
    facts_schema: dict[str, Any] = Field(description="申报事实的 JSON Schema (字段、中文名称、说明、必填项)")


class CriteriaForm(BaseModel):
    kind: SelectionKind
    facts_schema: dict[str, Any] = Field(description="自荐申报事实的 JSON Schema (entity_id、chain_id 由系统填写)")


class CriteriaCheck(BaseModel):
    chain_id: str = Field(min_length=1, max_length=64)
    facts: dict[str, Any] = Field(default_factory=dict)


# Referral projects (以商招商, 9.2.1).

YuanAmount = Annotated[Yuan, Field(le=Decimal("10000000000"))]  # 100亿元: keeps fen inside the contracts' ceiling


class RegisterReferral(BaseModel):
    referrer_name: Text = Field(min_length=1, max_length=200, description="引荐单位(链主企业)名称")
    investee: ApplicantRef = Field(description="所引进的企业")
    project_code: Text = Field(min_length=1, max_length=64, description="投资项目统一代码")
    project_name: Text = Field(min_length=1, max_length=200)
    chain_id: str | None = Field(default=None, max_length=64, description="所属产业链, 见 duixian criteria chains")
    planned_fai_yuan: YuanAmount = Field(description="计划固定资产投资额(元), 须在3000万元以上")


class ReportProgress(BaseModel):
    completed_fai_yuan: YuanAmount = Field(description="累计已完成固定资产投资额(元)")
    investment_complete: StrictBool = Field(description="已完成全部投资")
    in_production: StrictBool = Field(description="已投产")
    as_of: date = Field(description="截至日期")
    note: Note = Field(default="", max_length=2000, description="说明及佐证材料")


class ProgressPublic(BaseModel):
    id: str
    completed_fai_fen: int
    investment_complete: bool
    in_production: bool
    as_of: date
    note: str
    reported_at: datetime


class ReferralProjectPublic(BaseModel):
    id: str
    referrer: ApplicantRef
    investee: ApplicantRef
    project_code: str
    project_name: str
    chain_id: str | None
    planned_fai_fen: int
    status: str
    registered_at: datetime
    reports: list[ProgressPublic] = []


class ReportRequest(BaseModel):
    """(workflow) 请引荐单位报送项目年度投资进度与投产情况"""

    reason: LongText = Field(min_length=1, max_length=500)
