"""Payout plans and stages (pure rules)."""
from __future__ import annotations

from enum import StrEnum


class PlanStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CLAWED_BACK = "clawed_back"


class StageStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DISBURSED = "disbursed"
    FAILED = "failed"


def split_stages(total_fen: int, stage_amounts_fen: list[int] | None) -> list[int]:
    """The stage amounts of a plan; they must be positive and add up to the total exactly."""
    if not stage_amounts_fen:
        return [total_fen]
    if any(amount <= 0 for amount in stage_amounts_fen):
        raise ValueError("每期金额必须大于0")
    if sum(stage_amounts_fen) != total_fen:
        raise ValueError(f"各期金额之和 {sum(stage_amounts_fen)} 分不等于核定金额 {total_fen} 分")
    return list(stage_amounts_fen)
