"""The life of an application case as intake sees it (pure: no I/O); its statuses are part of intake's API
(contracts.api.intake.ApplicationStatus)."""
from __future__ import annotations

from contracts.api.intake import ApplicationStatus

STATUS_LABELS = {
    ApplicationStatus.SUBMITTED: "已提交",
    ApplicationStatus.UNDER_REVIEW: "审核中",
    ApplicationStatus.SUPPLEMENT_REQUESTED: "待补正",
    ApplicationStatus.APPROVED: "审核通过",
    ApplicationStatus.REJECTED: "未通过",
    ApplicationStatus.PAYOUT_PLANNED: "已建立拨付计划",
    ApplicationStatus.PARTLY_DISBURSED: "部分拨付",
    ApplicationStatus.COMPLETED: "已全部拨付",
    ApplicationStatus.CLAWED_BACK: "已追回",
}

# A status reached later in the procedure is never overwritten by an event that arrives late.
_ORDER = {
    ApplicationStatus.SUBMITTED: 0,
    ApplicationStatus.UNDER_REVIEW: 1,
    ApplicationStatus.SUPPLEMENT_REQUESTED: 1,
    ApplicationStatus.APPROVED: 2,
    ApplicationStatus.REJECTED: 2,
    ApplicationStatus.PAYOUT_PLANNED: 3,
    ApplicationStatus.PARTLY_DISBURSED: 4,
    ApplicationStatus.COMPLETED: 5,
    ApplicationStatus.CLAWED_BACK: 6,
}


def advance(current: ApplicationStatus, proposed: ApplicationStatus) -> ApplicationStatus:
    return proposed if _ORDER[proposed] > _ORDER[current] else current


def request_supplement(current: ApplicationStatus) -> ApplicationStatus:
    """A department asked for a supplement (补正): only a case still in review waits for the applicant."""
    return ApplicationStatus.SUPPLEMENT_REQUESTED if _ORDER[current] <= 1 else current
