"""Opening tasks (for workflows), reading one's queue, and deciding (for officials)."""
from __future__ import annotations

import uuid
from datetime import timedelta

import structlog
from sqlalchemy import and_, not_
from sqlmodel import col, select

from contracts.api.review import DecideTask, DecisionPublic, EscalateTask, OpenTask, TaskPublic, TaskRef, TaskStatus
from contracts.common import ApplicantRef, DeterminationRef
from contracts.events.review import DecisionRecorded, TaskEscalated, TaskOpened, TaskOverdue
from infra.auth import Principal
from infra.clock import as_utc, utcnow
from infra.errors import Conflict, InvalidRequest, NotFound
from infra.four_eyes import require_different_person
from infra.scope import one_in_scope, scoped
from infra.uow import UnitOfWork
from policies.beijing import in_beijing
from policies.calculator import PriorAward
from policies.calendar import WorkingDayCalendar
from policies.errors import CalendarUnavailable
from services.review.adapters.orm import Decision, Task
from services.review.domain.task import (
    APPROVAL_KINDS,
    KIND_LABELS,
    STATUS_LABELS,
    DecisionRefused,
    check_decision,
    determines,
    remaining_working_days,
    same_item,
)
from services.review.service_layer import due_dates, tier_tables
from services.review.service_layer.calendar import CALENDAR_LOCK, working_day_calendar
from services.review.service_layer.determination import determine
from services.review.service_layer.scope import actionable_filter, task_filter

log = structlog.get_logger(__name__)


def open_task(uow: UnitOfWork, command: OpenTask) -> TaskRef:
    now = utcnow()
    calendar = working_day_calendar(uow)
    period = _resumed_period(uow, calendar, command) if command.resumes_task_id else command.due_working_days
    due_at = due_dates.due_at(calendar, now, period)
    if due_at is None and period is not None:
        # The period reaches a year no schedule knows. Count again once holding the lock a schedule's load
        # holds until it commits: a year loaded meanwhile is seen here, or its load (waiting for this
        # transaction) finds this task among those to date. Without it the task could stay undated.
        uow.lock(CALENDAR_LOCK)
        due_at = due_dates.due_at(working_day_calendar(uow), now, period)
    task = Task(
        id=f"TASK-{uuid.uuid4().hex[:16].upper()}",
        case_id=command.case_id,
        kind=command.kind,
        title=command.title,
        assignee_role=command.assignee_role,
        assignee_org=command.assignee_org,
        clause_id=command.clause_id,
        applicant=command.applicant.model_dump(mode="json") if command.applicant else None,
        facts=command.facts,
        prior_awards=[award.model_dump(mode="json") for award in command.prior_awards],
        status=TaskStatus.OPEN,
        opened_by=uow.actor.subject,
        opened_at=now,
        due_at=due_at,
        due_working_days=period,
    )
    uow.session.add(task)
    uow.publish(
        TaskOpened(
            task_id=task.id,
            case_id=task.case_id,
            kind=task.kind,
            title=task.title,
            assignee_role=task.assignee_role,
            assignee_org=task.assignee_org,
            due_at=task.due_at,
        ),
        correlation_id=task.case_id,
    )
    uow.audit("task.open", "task", task.id, after={"case_id": task.case_id, "kind": task.kind, "assignee_org": task.assignee_org})
    return TaskRef(task_id=task.id, case_id=task.case_id, status=task.status, due_at=task.due_at)


def remind(uow: UnitOfWork, task_id: str) -> TaskRef:
    """An overdue task: remind its assignee (nothing happens if it was decided meanwhile)."""
    task = _internal_task(uow, task_id)
    if task.status == TaskStatus.OPEN:
        uow.publish(TaskOverdue(task_id=task.id, case_id=task.case_id, kind=task.kind, title=task.title,
                                assignee_role=task.assignee_role, assignee_org=task.assignee_org, due_at=task.due_at),
                    correlation_id=task.case_id)
        uow.audit("task.remind", "task", task.id, after={"assignee_org": task.assignee_org})
    return TaskRef(task_id=task.id, case_id=task.case_id, status=task.status, due_at=task.due_at)


def escalate(uow: UnitOfWork, task_id: str, command: EscalateTask) -> TaskRef:
    """Still overdue after the reminder: report it to the supervising office (督办)."""
    task = _internal_task(uow, task_id)
    if task.status == TaskStatus.OPEN:
        uow.publish(TaskEscalated(task_id=task.id, case_id=task.case_id, kind=task.kind, title=task.title,
                                  assignee_org=task.assignee_org, supervising_role=command.supervising_role,
                                  supervising_org=command.supervising_org, due_at=task.due_at), correlation_id=task.case_id)
        uow.audit("task.escalate", "task", task.id, after=command.model_dump())
    return TaskRef(task_id=task.id, case_id=task.case_id, status=task.status, due_at=task.due_at)


def _internal_task(uow: UnitOfWork, task_id: str) -> Task:
    task = uow.session.get(Task, task_id)
    if task is None:
        raise NotFound("待办不存在", task_id=task_id)
    return task


def _resumed_period(uow: UnitOfWork, calendar: WorkingDayCalendar, command: OpenTask) -> int | None:
    """A task reopened after a supplement (补正) keeps the working days its predecessor had left when
    the request stopped the clock; the time the request spent with the applicant does not count."""
    earlier = uow.session.get(Task, command.resumes_task_id)
    if earlier is None or earlier.case_id != command.case_id:
        raise InvalidRequest.on("resumes_task_id", "须为同一案件中要求补正的待办")
    if earlier.due_at is None or earlier.closed_at is None:
        return command.due_working_days
    try:
        return remaining_working_days(calendar.is_working_day, in_beijing(earlier.closed_at).date(),
                                      in_beijing(earlier.due_at - timedelta(microseconds=1)).date())  # due_at: end of the last day
    except CalendarUnavailable as error:
        log.warning("task_due_date_pending_calendar", year=error.year, resumes=earlier.id)
        return None


def get_task(uow: UnitOfWork, principal: Principal, task_id: str, *, to_act: bool = False) -> Task:
    condition = actionable_filter(principal) if to_act else task_filter(principal)
    return one_in_scope(uow, select(Task).where(Task.id == task_id), condition, "待办不存在或不属于您的单位", task_id=task_id)


def list_tasks(uow: UnitOfWork, principal: Principal, *, status: TaskStatus | None, limit: int, offset: int,
               overdue: bool | None = None) -> list[TaskPublic]:
    query = scoped(select(Task).order_by(col(Task.opened_at), col(Task.id)).limit(limit).offset(offset), task_filter(principal))
    if status is not None:
        query = query.where(Task.status == status)
    if overdue is not None:
        late = and_(col(Task.status) == TaskStatus.OPEN, col(Task.due_at).is_not(None), col(Task.due_at) < utcnow())
        query = query.where(late if overdue else not_(late))
    return [public(uow, task) for task in uow.session.exec(query)]


def decide(uow: UnitOfWork, principal: Principal, task_id: str, command: DecideTask) -> DecisionPublic:
    task = get_task(uow, principal, task_id, to_act=True)
    if task.status != TaskStatus.OPEN:
        raise Conflict(f"该待办已{STATUS_LABELS[TaskStatus(task.status)]}, 不能重复办理", task_id=task_id, status=task.status)
    if task.kind in APPROVAL_KINDS:
        require_different_person(principal.subject, earlier_deciders(uow, task), KIND_LABELS.get(task.kind, "审定"))
    try:
        check_decision(task.kind, command.decision, command.missing_items)
    except DecisionRefused as refusal:
        raise InvalidRequest.on(refusal.field, refusal.reason) from None
    facts = command.verified_facts if command.verified_facts is not None else task.facts
    determination = None
    if determines(task.kind, command.decision) and task.clause_id:
        determination = determine(
            task.clause_id, facts, [PriorAward.model_validate(p) for p in task.prior_awards], tier_tables.current(uow)
        )
    now = utcnow()
    decision = Decision(
        id=f"DEC-{uuid.uuid4().hex[:16].upper()}",
        task_id=task.id,
        decision=command.decision,
        missing_items=command.missing_items or None,
        reason=command.reason,
        decided_by=principal.subject,
        decided_role=principal.role,
        decided_org=principal.organisation,
        verified_facts=facts,
        determination=determination.model_dump(mode="json") if determination else None,
        decided_at=now,
    )
    before = {"status": task.status}
    task.status = TaskStatus.DECIDED
    task.closed_at = now
    uow.session.add(task)
    uow.session.add(decision)
    uow.publish(
        DecisionRecorded(
            task_id=task.id,
            case_id=task.case_id,
            kind=task.kind,
            decision=command.decision,
            reason=command.reason,
            decided_by=principal.subject,
            determination=determination,
            missing_items=command.missing_items,
        ),
        correlation_id=task.case_id,
    )
    uow.audit(
        "task.decide",
        "task",
        task.id,
        before=before,
        after={"status": task.status, "decision": command.decision, "reason": command.reason,
               "amount_fen": determination.amount_fen if determination else None},
    )
    return decision_public(decision)


def earlier_deciders(uow: UnitOfWork, task: Task) -> list[tuple[str, str]]:
    """Who decided earlier steps of the same item: the case, or for a referral award (9.2.1) the phase
    being determined: phase 2 is a new item, so whoever determined phase 1 may determine it."""
    rows = uow.session.exec(
        select(Decision.decided_by, Task.kind, Task.facts)
        .join(Task, col(Task.id) == Decision.task_id)
        .where(Task.case_id == task.case_id, Task.id != task.id, Decision.decision != "supplement")
    )
    return [(who, KIND_LABELS.get(kind, "办理")) for who, kind, facts in rows if same_item(task.facts, facts)]


def decision_public(decision: Decision) -> DecisionPublic:
    return DecisionPublic(
        task_id=decision.task_id,
        decision=decision.decision,
        reason=decision.reason,
        missing_items=decision.missing_items or [],
        decided_by=decision.decided_by,
        decided_at=decision.decided_at,
        determination=DeterminationRef.model_validate(decision.determination) if decision.determination else None,
    )


def public(uow: UnitOfWork, task: Task) -> TaskPublic:
    decision = uow.session.exec(select(Decision).where(Decision.task_id == task.id)).first()
    status = TaskStatus(task.status)
    return TaskPublic(
        id=task.id,
        case_id=task.case_id,
        kind=task.kind,
        title=task.title,
        assignee_role=task.assignee_role,
        assignee_org=task.assignee_org,
        clause_id=task.clause_id,
        applicant=ApplicantRef.model_validate(task.applicant) if task.applicant else None,
        facts=task.facts,
        status=status,
        status_label=STATUS_LABELS[status],
        opened_at=task.opened_at,
        due_at=task.due_at,
        due_working_days=task.due_working_days,
        overdue=status == TaskStatus.OPEN and task.due_at is not None and as_utc(task.due_at) < utcnow(),
        decision=decision_public(decision) if decision else None,
    )
