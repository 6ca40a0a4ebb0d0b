"""Activities that ask the services to act. Thin: one HTTP call each."""
from __future__ import annotations

from temporalio import activity

from contracts.api.payout import OpenPayoutPlan, PayoutPlanRef
from contracts.api.review import OpenTask, TaskRef
from infra.settings import Settings
from workflows.activities.http import ServiceClient


class ServiceActivities:
    def __init__(self, settings: Settings):
        self.review = ServiceClient(settings, settings.review_url)
        self.payout = ServiceClient(settings, settings.payout_url)

    @activity.defn(name="review.open_task")
    async def open_task(self, command: OpenTask) -> TaskRef:
        return await self.review.post("/internal/tasks", command, TaskRef)

    @activity.defn(name="payout.open_plan")
    async def open_payout_plan(self, command: OpenPayoutPlan) -> PayoutPlanRef:
        return await self.payout.post("/internal/payout-plans", command, PayoutPlanRef)

    def all(self) -> list:
        return [self.open_task, self.open_payout_plan]
