"""Activities of the selection round: review's publicity (one HTTP call each)."""
from __future__ import annotations

from pydantic import BaseModel
from temporalio import activity

from contracts.api.selection import DrawPanel, OpenPublicity, PanelRecommendation, PanelRef, PublicityState, Publish
from infra.settings import Settings
from workflows.activities.http import ServiceClient


class PublicityQuery(BaseModel):
    round_id: str


class PublicationRequest(BaseModel):
    round_id: str
    publish: Publish


class RecommendationRequest(BaseModel):
    case_id: str
    recommendation: PanelRecommendation


class SelectionActivities:
    def __init__(self, settings: Settings):
        self.review = ServiceClient(settings, settings.review_url)

    @activity.defn(name="review.open_publicity")
    async def open_publicity(self, command: OpenPublicity) -> PublicityState:
        return await self.review.post("/internal/selection/publicities", command, PublicityState)

    @activity.defn(name="review.publicity_state")
    async def publicity_state(self, query: PublicityQuery) -> PublicityState:
        return await self.review.get(f"/internal/selection/publicities/{query.round_id}", PublicityState)

    @activity.defn(name="review.publish_selection")
    async def publish(self, request: PublicationRequest) -> PublicityState:
        return await self.review.post(f"/internal/selection/publicities/{request.round_id}/publication", request.publish,
                                      PublicityState)

    @activity.defn(name="review.draw_panel")
    async def draw_panel(self, command: DrawPanel) -> PanelRef:
        return await self.review.post("/internal/selection/expert-panels", command, PanelRef)

    @activity.defn(name="review.panel_recommendation")
    async def panel_recommendation(self, request: RecommendationRequest) -> PanelRef:
        return await self.review.post(f"/internal/selection/expert-panels/{request.case_id}/recommendation",
                                      request.recommendation, PanelRef)

    def all(self) -> list:
        return [self.open_publicity, self.publicity_state, self.publish, self.draw_panel, self.panel_recommendation]
