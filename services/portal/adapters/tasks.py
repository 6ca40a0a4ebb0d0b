"""review's routes for officials and experts: the queue (待办), its counts, one task's case file and the
decision, read into the portal's own tolerant models."""
from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from services.portal.adapters.intake import Applicant, Tolerant
from services.portal.adapters.services import ServiceClients
from services.portal.domain.directory import DirectoryEntry


class Determination(Tolerant):
    clause_id: str
    amount_fen: int
    capped_by: str | None = None
    capped_by_zh: str | None = None
    citation: dict[str, Any] = {}
    steps: list[dict[str, Any]] = []


class Decision(Tolerant):
    decision: str
    reason: str
    missing_items: list[str] = []
    decided_by: str
    decided_at: dt.datetime
    determination: Determination | None = None


class Task(Tolerant):
    id: str
    case_id: str
    kind: str
    title: str
    assignee_role: str
    assignee_org: str
    clause_id: str | None = None
    applicant: Applicant | None = None
    facts: dict[str, Any] = {}
    status: str
    status_label: str
    opened_at: dt.datetime
    due_at: dt.datetime | None = None
    due_working_days: int | None = None  # a period without due_at: it reaches a year whose holidays are not loaded
    overdue: bool = False
    decision: Decision | None = None


class DepartmentCount(Tolerant):
    assignee_org: str
    assignee_role: str
    open: int
    overdue: int


class CalculatorPreview(Tolerant):
    determination: Determination | None = None
    problem: str | None = None


class CaseFile(Tolerant):
    task: Task
    kind_label: str
    earlier: list[Task] = []
    may_supplement: bool = False
    confirm_only: bool = False
    four_eyes_applies: bool = False
    four_eyes_rule: str = ""
    four_eyes_blocks_caller: bool = False
    calculator: CalculatorPreview | None = None


def tasks(clients: ServiceClients, user: DirectoryEntry, *, status: str | None, overdue: bool | None,
          limit: int, offset: int) -> list[Task]:
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    if status:
        params["status"] = status
    if overdue is not None:
        params["overdue"] = "true" if overdue else "false"
    return [Task.model_validate(row) for row in clients.call("review", "GET", "/tasks", user=user, params=params)]


def counts(clients: ServiceClients, user: DirectoryEntry) -> list[DepartmentCount]:
    return [DepartmentCount.model_validate(row) for row in clients.call("review", "GET", "/tasks/counts", user=user)]


def case_file(clients: ServiceClients, user: DirectoryEntry, task_id: str) -> CaseFile:
    return CaseFile.model_validate(clients.call("review", "GET", f"/tasks/{quote(task_id, safe='')}/case-file", user=user))


def decide(clients: ServiceClients, user: DirectoryEntry, task_id: str, body: dict[str, Any], *, submission_id: str) -> Decision:
    """One decision per form (its submission id is the idempotency key): a double click decides once."""
    answer = clients.call("review", "POST", f"/tasks/{quote(task_id, safe='')}/decision", user=user, json=body,
                          headers={"Idempotency-Key": f"portal-decision-{submission_id}"})
    return Decision.model_validate(answer)
