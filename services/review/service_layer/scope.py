"""Whose tasks a caller sees: those addressed to its organisation and role (others → 404)."""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_
from sqlmodel import col

from infra.auth import Principal
from services.review.adapters.orm import Task

SEE_ALL = frozenset({"auditor", "workflow"})  # read scope; admin manages reference data, not cases


def task_filter(principal: Principal) -> ColumnElement[bool] | None:
    if principal.role in SEE_ALL:
        return None
    return and_(col(Task.assignee_org) == principal.organisation, col(Task.assignee_role) == principal.role)


# Who may act on a task addressed to them: any role, except the read-only auditor and the
# machine/admin identities, which never hold tasks.
NEVER_ACT = frozenset({"auditor", "admin", "workflow"})


def actionable_filter(principal: Principal) -> ColumnElement[bool]:
    """Acting needs the task to be addressed to the caller's organisation and role, whatever it may read."""
    return and_(col(Task.assignee_org) == principal.organisation, col(Task.assignee_role) == principal.role)
