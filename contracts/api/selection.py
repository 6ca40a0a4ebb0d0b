"""review's selection API: the publicity and expert panels the SelectionRound workflow opens and reads, the
publicity lists and objections the public and the province_chain_office see, and the expert pools admins load
(晋政办发〔2023〕44号, seed 004 §10.3)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from contracts.common import ApplicantRef, Uscc
from contracts.events.selection import PublicityEntry, SelectionKind
from policies.text import LongText, Text

MIN_PUBLICITY_WORKING_DAYS = 7  # 公示期不少于7个工作日 (晋政办发〔2023〕44号, seed 004 §10.3 (五))


class OpenPublicity(BaseModel):
    round_id: str = Field(min_length=1, max_length=64)
    year: StrictInt = Field(ge=2000, le=2100)
    working_days: StrictInt = Field(ge=MIN_PUBLICITY_WORKING_DAYS, le=60)
    starts_on: dt.date = Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))
    entries: list[PublicityEntry] = Field(min_length=1, max_length=2000)


class Publish(BaseModel):
    as_of: dt.datetime = Field(description="the workflow's clock: the durable timer that ended the period")


class PublicityEntryState(BaseModel):
    model_config = ConfigDict(extra="ignore")

    candidacy_id: str
    status: str


class PublicityState(BaseModel):
    """What the workflow reads back (a subset of review's public view)."""

    model_config = ConfigDict(extra="ignore")

    round_id: str
    status: str
    starts_on: dt.date
    last_day: dt.date | None = None
    ends_at: dt.datetime | None = None
    published_on: dt.date | None = None
    unresolved_objections: int = 0
    entries: list[PublicityEntryState] = []


class DrawPanel(BaseModel):
    """Draw a candidacy's expert panel from its chain's pool and address a task to each member."""

    case_id: str = Field(min_length=1, max_length=64)
    chain_id: str = Field(min_length=1, max_length=64)
    enterprise: ApplicantRef
    title: Text = Field(min_length=1, max_length=300)
    seed: StrictInt = Field(ge=0, le=2**62, description="recorded random seed of the draw")
    facts: dict[str, Any] = Field(default_factory=dict)
    due_working_days: StrictInt | None = Field(default=None, ge=1, le=250)


class PanelMember(BaseModel):
    expert_id: str
    name: str
    task_id: str
    due_at: dt.datetime | None = Field(default=None, description="the member's task due date (end of its last working day)")


class Recusal(BaseModel):
    expert_id: str
    name: str
    reason: str


class PanelRef(BaseModel):
    case_id: str
    seed: int
    quorum: int
    members: list[PanelMember]
    recused: list[Recusal]


class PanelRecommendation(BaseModel):
    proposed: StrictBool
    approvals: StrictInt = Field(ge=0)
    rejections: StrictInt = Field(ge=0)


# Expert pools (admins load them; panels are drawn from them).

class Expert(BaseModel):
    expert_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$", description="专家标识 (登录组织标识)")
    name: Text = Field(min_length=1, max_length=100)
    employer_uscc: Uscc | None = Field(default=None, description="工作单位统一社会信用代码 (同单位回避)")
    declared_conflicts: list[Uscc] = Field(default_factory=list, max_length=200, description="申报的利益冲突企业")


class LoadPool(BaseModel):
    chain_id: str = Field(min_length=1, max_length=64)
    panel_size: StrictInt = Field(ge=1, le=50, description="评审小组人数")
    quorum: StrictInt = Field(ge=1, le=50, description="有效评审的最少人数")
    source_note: LongText = Field(min_length=1, max_length=1000, description="专家库来源")
    experts: list[Expert] = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _consistent(self) -> LoadPool:
        if self.quorum > self.panel_size:
            raise ValueError("quorum 不能大于 panel_size")
        if len({e.expert_id for e in self.experts}) != len(self.experts):
            raise ValueError("专家标识重复")
        return self


class PoolPublic(BaseModel):
    chain_id: str
    panel_size: int
    quorum: int
    experts: int
    source_note: str
    loaded_by: str
    loaded_at: dt.datetime | None = None


# Publicity lists and objections.

class EntryPublic(BaseModel):
    candidacy_id: str
    kind: SelectionKind
    chain_id: str
    chain_name: str
    enterprise_name: str
    enterprise_uscc: str
    status: str
    status_label: str


class PublicityPublic(BaseModel):
    round_id: str
    year: int
    status: str
    status_label: str
    working_days: int
    starts_on: dt.date
    last_day: dt.date | None
    ends_at: dt.datetime | None
    published_on: dt.date | None
    unresolved_objections: int
    entries: list[EntryPublic]


class LodgeObjection(BaseModel):
    candidacy_id: str = Field(min_length=1, max_length=64, description="被异议的公示对象")
    objector_name: Text = Field(min_length=1, max_length=100, description="异议人姓名或单位")
    contact_phone: str = Field(pattern=r"^\+?[0-9][0-9\- ]{5,30}$", description="联系电话 (必填)")
    contact_email: str | None = Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    reason: LongText = Field(min_length=1, max_length=4000, description="异议事实与理由")


class ObjectionReceipt(BaseModel):
    objection_id: str
    receipt_number: str
    round_id: str
    candidacy_id: str
    lodged_at: dt.datetime
    message: str


class VerifyObjection(BaseModel):
    upheld: StrictBool = Field(description="true 异议成立 (移出名单) / false 异议不成立 (保留)")
    reason: LongText = Field(min_length=1, max_length=2000, description="核实结论与理由")


class ObjectionPublic(BaseModel):
    id: str
    receipt_number: str
    round_id: str
    candidacy_id: str
    objector_name: str
    contact_phone: str
    contact_email: str | None
    reason: str
    status: str
    status_label: str
    verification_reason: str | None
    verified_by: str | None
    lodged_at: dt.datetime
    verified_at: dt.datetime | None
