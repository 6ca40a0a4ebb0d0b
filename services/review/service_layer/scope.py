"""Whose tasks a caller sees: those addressed to its organisation and role (others → 404)."""
from __future__ import annotations

from sqlalchemy import and_

from infra.auth import Principal
from services.review.adapters.orm import Task

SEE_ALL = frozenset({"auditor", "admin", "workflow"})


def task_filter(principal: Principal):  # type: ignore[no-untyped-def]
    if principal.role in SEE_ALL:
        return None
    return and_(Task.assignee_org == principal.organisation, Task.assignee_role == principal.role)
