"""Internal API of review's selection publicity (called by the SelectionRound workflow)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from contracts.common import ApplicantRef
from contracts.events.selection import PublicityEntry
from policies.text import Text

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
