from __future__ import annotations

from datetime import datetime
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
