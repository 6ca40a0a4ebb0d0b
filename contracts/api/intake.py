"""intake's API: its routes' requests and answers that callers (the portal, tests, workflows) share.

Materials: PDF, PNG or JPEG files, base64 in the JSON body, at most 10 MB a file, 20 files and 50 MB in all per
request. Selection: 链主/链核 rounds and self-nominations (晋政办发〔2023〕44号 遴选程序, seed 004 §10.3).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt, field_validator

from contracts.api.selection import MIN_PUBLICITY_WORKING_DAYS
from contracts.common import MIB, ApplicantRef, base64_size
from contracts.events.selection import ApprovalRoute, MaterialRef, SelectionKind
from policies.text import Note, Text

MAX_FILE_BYTES = 10 * MIB
MAX_FILES = 20
MAX_TOTAL_BYTES = 50 * MIB

class MaterialUpload(BaseModel):
    filename: Text = Field(min_length=1, max_length=200)
    content_type: Literal["application/pdf", "image/png", "image/jpeg"] = Field(description="允许 PDF、PNG、JPEG")
    content_base64: str = Field(min_length=1, max_length=base64_size(MAX_FILE_BYTES), description="文件内容(base64)")


Uploads: list[MaterialUpload] = Field(default_factory=list, max_length=MAX_FILES,
                description=f"附件: 每份不超过 {MAX_FILE_BYTES // MIB}MB, 合计不超过 {MAX_TOTAL_BYTES // MIB}MB")


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
