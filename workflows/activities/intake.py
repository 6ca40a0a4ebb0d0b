"""Activities that ask intake to act."""
from __future__ import annotations

from pydantic import BaseModel
from temporalio import activity

from infra.settings import Settings
from workflows.activities.http import ServiceClient


class ReportRequest(BaseModel):
    project_id: str
    reason: str


class Acknowledged(BaseModel):
    id: str


class IntakeActivities:
    def __init__(self, settings: Settings):
        self.intake = ServiceClient(settings, settings.intake_url)

    @activity.defn(name="intake.request_referral_report")
    async def request_referral_report(self, request: ReportRequest) -> Acknowledged:
        return await self.intake.post(
            f"/internal/referral-projects/{request.project_id}/report-requests", _Reason(reason=request.reason), Acknowledged
        )

    def all(self) -> list:
        return [self.request_referral_report]


class _Reason(BaseModel):
    reason: str
