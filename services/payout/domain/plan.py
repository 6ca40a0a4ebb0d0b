"""Payout plans and stages (pure rules); their statuses are part of payout's API (contracts.api.payout)."""
from __future__ import annotations

from contracts.api.payout import PlanStatus, StageStatus

STATUS_ZH = {
    StageStatus.PENDING: "待编制",
    StageStatus.PREPARED: "已编制待审批",
    StageStatus.APPROVED: "已审批待拨付",
    StageStatus.DISBURSED: "已拨付",
    StageStatus.FAILED: "拨付失败/退回",
    StageStatus.CLAWED_BACK: "已追回",
}

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[StageStatus], StageStatus]] = {
    "prepare": (frozenset({StageStatus.PENDING}), StageStatus.PREPARED),
    "approve": (frozenset({StageStatus.PREPARED}), StageStatus.APPROVED),
    "disburse": (frozenset({StageStatus.APPROVED}), StageStatus.DISBURSED),
    "fail": (frozenset({StageStatus.APPROVED, StageStatus.DISBURSED}), StageStatus.FAILED),
    "retry": (frozenset({StageStatus.FAILED}), StageStatus.APPROVED),
    "claw_back": (frozenset({StageStatus.DISBURSED}), StageStatus.CLAWED_BACK),
}

ACTION_ZH = {
    "prepare": "编制", "approve": "审批", "disburse": "登记拨付", "fail": "登记拨付失败/退回",
    "retry": "重新拨付", "claw_back": "追回",
}


class TransitionRefused(ValueError):
    def __init__(self, action: str, status: StageStatus):
        allowed = "、".join(STATUS_ZH[s] for s in sorted(TRANSITIONS[action][0]))
        super().__init__(f"当前状态为「{STATUS_ZH[status]}」, 不能{ACTION_ZH[action]}; 仅「{allowed}」状态可以{ACTION_ZH[action]}")
        self.action = action
        self.status = status


def next_status(action: str, status: StageStatus) -> StageStatus:
    allowed, target = TRANSITIONS[action]
    if status not in allowed:
        raise TransitionRefused(action, status)
    return target


def plan_status(stage_statuses: list[StageStatus]) -> PlanStatus:
    """completed when every stage is disbursed; clawed_back once any stage was clawed back; else open."""
    if any(s == StageStatus.CLAWED_BACK for s in stage_statuses):
        return PlanStatus.CLAWED_BACK
    if stage_statuses and all(s == StageStatus.DISBURSED for s in stage_statuses):
        return PlanStatus.COMPLETED
    return PlanStatus.OPEN


def split_stages(total_fen: int, stage_amounts_fen: list[int] | None) -> list[int]:
    """The stage amounts of a plan; they must be positive and add up to the total exactly."""
    if not stage_amounts_fen:
        return [total_fen]
    if any(amount <= 0 for amount in stage_amounts_fen):
        raise ValueError("每期金额必须大于0")
    if sum(stage_amounts_fen) != total_fen:
        raise ValueError(f"各期金额之和 {sum(stage_amounts_fen)} 分不等于核定金额 {total_fen} 分")
    return list(stage_amounts_fen)
