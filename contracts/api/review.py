from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from contracts.common import ApplicantRef


class OpenTask(BaseModel):
    """Ask the review service to address a task to an organisation and role."""

    case_id: str
    kind: str = Field(description="e.g. case_review")
    title: str
    assignee_role: str
    assignee_org: str
    clause_id: str | None = None
    applicant: ApplicantRef | None = None
    facts: dict[str, Any] = Field(default_factory=dict)
    due_working_days: int | None = Field(default=None, ge=1)


class TaskRef(BaseModel):
    task_id: str
    case_id: str
    status: str
