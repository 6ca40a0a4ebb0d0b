"""What an official's queue and case page need from review: open and overdue counts per department for the
caller's scope, and one task's case file (the task, the case's earlier decisions, the four-eyes rule as it
applies to the caller, the calculator's determination on the facts as they stand)."""
from __future__ import annotations

from sqlalchemy import and_, case, func
from sqlmodel import col, select

from contracts.api.review import CalculatorPreview, CaseFile, DepartmentCount, TaskStatus
from infra.auth import Principal
from infra.claims import subject_key
from infra.clock import utcnow
from infra.errors import DomainError
from infra.scope import scoped
from infra.uow import UnitOfWork
from policies.calculator import PriorAward
from services.review.adapters.orm import Task
from services.review.domain.task import (
    APPROVAL_KINDS,
    CONFIRM_ONLY_KINDS,
    DETERMINING_KINDS,
    KIND_LABELS,
    SUPPLEMENT_KINDS,
)
from services.review.service_layer import tier_tables
from services.review.service_layer.determination import determine
from services.review.service_layer.scope import task_filter
from services.review.service_layer.tasks import earlier_deciders, get_task, public

FOUR_EYES_RULE_ZH = ("四眼原则：同一事项中已审核、推荐或编制的工作人员，不能再核定或审定该事项；"
                     "须由同一单位的另一名工作人员办理。")


def counts(uow: UnitOfWork, principal: Principal) -> list[DepartmentCount]:
    late = and_(col(Task.due_at).is_not(None), col(Task.due_at) < utcnow())
    query = (select(Task.assignee_org, Task.assignee_role, func.count(), func.sum(case((late, 1), else_=0)))
             .where(Task.status == TaskStatus.OPEN)
             .group_by(Task.assignee_org, Task.assignee_role)
             .order_by(Task.assignee_org, Task.assignee_role))
    query = scoped(query, task_filter(principal))
    return [DepartmentCount(assignee_org=org, assignee_role=role, open=total, overdue=int(overdue or 0))
            for org, role, total, overdue in uow.session.exec(query)]


def case_file(uow: UnitOfWork, principal: Principal, task_id: str) -> CaseFile:
    task = get_task(uow, principal, task_id)
    others = uow.session.exec(select(Task).where(Task.case_id == task.case_id, Task.id != task.id,
                                                 Task.status == TaskStatus.DECIDED)
                              .order_by(col(Task.closed_at), col(Task.id))).all()
    applies = task.kind in APPROVAL_KINDS
    me = subject_key(principal.subject)
    blocked = applies and any(subject_key(who) == me for who, _ in earlier_deciders(uow, task) if who)
    return CaseFile(
        task=public(uow, task),
        kind_label=KIND_LABELS.get(task.kind, task.kind),
        earlier=[public(uow, other) for other in others],
        may_supplement=task.kind in SUPPLEMENT_KINDS,
        confirm_only=task.kind in CONFIRM_ONLY_KINDS,
        four_eyes_applies=applies,
        four_eyes_rule=FOUR_EYES_RULE_ZH,
        four_eyes_blocks_caller=blocked,
        calculator=_preview(uow, task) if task.kind in DETERMINING_KINDS and task.clause_id else None,
    )


def _preview(uow: UnitOfWork, task: Task) -> CalculatorPreview:
    prior = [PriorAward.model_validate(p) for p in task.prior_awards]
    try:
        return CalculatorPreview(determination=determine(task.clause_id or "", dict(task.facts or {}), prior,
                                                         tier_tables.current(uow)))
    except DomainError as error:
        return CalculatorPreview(problem=error.message)
