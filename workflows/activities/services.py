"""Activities that ask the services to act. Thin: one HTTP call each."""
from __future__ import annotations

from pydantic import BaseModel
from temporalio import activity

from contracts.api.payout import AddPayoutStage, OpenPayoutPlan, PayoutPlanRef, PriorAwardList, PriorAwardsQuery
from contracts.api.review import EscalateTask, OpenTask, TaskRef
from infra.settings import Settings
from workflows.activities.http import ServiceClient


class TaskReminder(BaseModel):
    task_id: str
    note: str = ""


class TaskEscalation(BaseModel):
    task_id: str
    escalation: EscalateTask


class _Note(BaseModel):
    note: str


class ServiceActivities:
    def __init__(self, settings: Settings):
        self.review = ServiceClient(settings, settings.review_url)
        self.payout = ServiceClient(settings, settings.payout_url)

    @activity.defn(name="review.open_task")
    async def open_task(self, command: OpenTask) -> TaskRef:
        return await self.review.post("/internal/tasks", command, TaskRef)

    @activity.defn(name="review.remind_task")
    async def remind_task(self, request: TaskReminder) -> TaskRef:
        return await self.review.post(f"/internal/tasks/{request.task_id}/reminders", _Note(note=request.note), TaskRef)

    @activity.defn(name="review.escalate_task")
    async def escalate_task(self, request: TaskEscalation) -> TaskRef:
        return await self.review.post(f"/internal/tasks/{request.task_id}/escalations", request.escalation, TaskRef)

    @activity.defn(name="payout.open_plan")
    async def open_payout_plan(self, command: OpenPayoutPlan) -> PayoutPlanRef:
        return await self.payout.post("/internal/payout-plans", command, PayoutPlanRef)

    @activity.defn(name="payout.add_stage")
    async def add_payout_stage(self, command: AddPayoutStage) -> PayoutPlanRef:
        return await self.payout.post(f"/internal/payout-plans/{command.plan_id}/stages", command, PayoutPlanRef)

    @activity.defn(name="payout.prior_awards")
    async def prior_awards(self, query: PriorAwardsQuery) -> PriorAwardList:
        params: dict[str, str | int] = {"entity_id": query.entity_id}
        if query.year is not None:
            params["year"] = query.year
        return await self.payout.get("/internal/prior-awards", PriorAwardList, params=params)

    def all(self) -> list:
        return [self.open_task, self.remind_task, self.escalate_task, self.open_payout_plan, self.add_payout_stage,
                self.prior_awards]
