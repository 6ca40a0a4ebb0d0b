from __future__ import annotations

from pydantic import BaseModel

from contracts.common import ApplicantRef, Citation, FenAmount
from contracts.registry import event


class StageRef(BaseModel):
    stage_id: str
    sequence: int
    amount_fen: FenAmount


@event("payout.plan.opened", summary="拨付计划已建立 — the finance ledger opened a payout plan for a case")
class PayoutPlanOpened(BaseModel):
    plan_id: str
    case_id: str
    clause_id: str
    recipient: ApplicantRef
    total_fen: FenAmount
    citation: Citation
    stages: list[StageRef]
