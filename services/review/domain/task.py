"""Task states and the rules of deciding one (pure); the states are part of review's API (contracts.api.review)."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from contracts.api.review import TASK_KIND_LABELS as KIND_LABELS
from contracts.api.review import TaskStatus

STATUS_LABELS = {TaskStatus.OPEN: "待办理", TaskStatus.DECIDED: "已办结", TaskStatus.CANCELLED: "已撤销"}

DECISION_LABELS = {"approve": "通过", "reject": "不通过", "supplement": "要求补正"}

# Task kinds where the department may ask the applicant for a supplement (补正): an application case's
# steps, and the province_chain_office's completeness check of a candidacy (seed 004 §10.3 (三)).
SUPPLEMENT_KINDS = frozenset({"case_review", "case_determination", "completeness_check"})

# Task kinds whose approval fixes an award amount (核定) with the policy calculator.
DETERMINING_KINDS = frozenset({"case_determination"})

# Kinds that can only be confirmed: the province_chain_office gathers the chain_core lists the chiefs
# approved (seed 004 §10.3, 报省链长办汇总); it neither re-decides nor returns them.
CONFIRM_ONLY_KINDS = frozenset({"list_gathering"})

# Approving kinds: whoever decided another task of the same case may not decide these (four-eyes).
APPROVAL_KINDS = frozenset({"case_determination", "selection_approval"})


def remaining_working_days(is_working_day: Callable[[date], bool], interrupted_on: date, due_on: date) -> int:
    """Working days a task still had when a supplement request stopped its clock: those after the
    day it stopped, up to and including the due day (at least 1, so a resumed task is never born late)."""
    remaining, day = 0, interrupted_on + timedelta(days=1)
    while day <= due_on:
        remaining += is_working_day(day)
        day += timedelta(days=1)
    return max(remaining, 1)


class DecisionRefused(Exception):
    """A decision the rules do not allow, naming the request field and the reason in Chinese."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def check_decision(kind: str, decision: str, missing_items: Sequence[str]) -> None:
    """A list gathering is only confirmed; a supplement (补正) is asked only on the kinds that allow one and
    names what is missing; missing items go with a supplement request only."""
    if kind in CONFIRM_ONLY_KINDS and decision != "approve":
        raise DecisionRefused("decision", f"「{KIND_LABELS[kind]}」待办只能确认 (approve)")
    if decision == "supplement":
        if kind not in SUPPLEMENT_KINDS:
            raise DecisionRefused("decision", f"「{KIND_LABELS.get(kind, kind)}」待办不能要求补正")
        if not missing_items:
            raise DecisionRefused("missing_items", "要求补正时须列明所缺材料或事项")
    elif missing_items:
        raise DecisionRefused("missing_items", "仅在要求补正时填写")


def determines(kind: str, decision: str) -> bool:
    """Approving a determining step fixes the award's amount (核定) with the policy calculator."""
    return decision == "approve" and kind in DETERMINING_KINDS


def same_item(task_facts: Mapping[str, Any] | None, other_facts: Mapping[str, Any] | None) -> bool:
    """Whether two tasks of a case decide the same item: for a referral award (9.2.1) each phase is its
    own item, so whoever determined phase 1 may determine phase 2 (four-eyes counts within an item)."""
    return (other_facts or {}).get("phase") == (task_facts or {}).get("phase")
