from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from contracts.common import DeterminationRef
from contracts.registry import event

Decision = Literal["approve", "reject", "supplement"]


@event("review.task.opened", summary="待办已创建 — a task was addressed to an organisation and role")
class TaskOpened(BaseModel):
    task_id: str
    case_id: str
    kind: str
    title: str
    assignee_role: str
    assignee_org: str
    due_at: datetime | None = None


@event("review.task.due_dated", summary="待办已确定办理期限 — a task opened without a due date (its period reached a year "
       "whose holiday schedule was not loaded) got one when that schedule was loaded")
class TaskDueDated(BaseModel):
    task_id: str
    case_id: str
    kind: str
    assignee_role: str
    assignee_org: str
    due_at: datetime


@event("review.decision.recorded", summary="审核意见已记录 — a department decided a task")
class DecisionRecorded(BaseModel):
    task_id: str
    case_id: str
    kind: str
    decision: Decision
    reason: str
    decided_by: str
    determination: DeterminationRef | None = None
    missing_items: list[str] = Field(default_factory=list, description="补正: what the applicant must supply")


@event("review.task.overdue", summary="待办已超期 — a reminder to the assignee of a task past its due date")
class TaskOverdue(BaseModel):
    task_id: str
    case_id: str
    kind: str
    title: str
    assignee_role: str
    assignee_org: str
    due_at: datetime | None = None


@event("review.task.escalated", summary="超期待办已上报督办 — an overdue task escalated to the supervising office")
class TaskEscalated(BaseModel):
    task_id: str
    case_id: str
    kind: str
    title: str
    assignee_org: str
    supervising_role: str
    supervising_org: str
    due_at: datetime | None = None
