"""The life of an application case as intake sees it (pure: no I/O)."""
from __future__ import annotations

from enum import StrEnum


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAYOUT_PLANNED = "payout_planned"


STATUS_LABELS = {
    ApplicationStatus.SUBMITTED: "已提交",
    ApplicationStatus.UNDER_REVIEW: "审核中",
    ApplicationStatus.APPROVED: "审核通过",
    ApplicationStatus.REJECTED: "未通过",
    ApplicationStatus.PAYOUT_PLANNED: "已建立拨付计划",
}

# A status reached later in the procedure is never overwritten by an event that arrives late.
_ORDER = {
    ApplicationStatus.SUBMITTED: 0,
    ApplicationStatus.UNDER_REVIEW: 1,
    ApplicationStatus.APPROVED: 2,
    ApplicationStatus.REJECTED: 2,
    ApplicationStatus.PAYOUT_PLANNED: 3,
}


def advance(current: ApplicationStatus, proposed: ApplicationStatus) -> ApplicationStatus:
    return proposed if _ORDER[proposed] > _ORDER[current] else current
