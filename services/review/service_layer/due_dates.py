"""A task's due date: its working days (办理时限) counted from when it opened, on review's calendar. A task
whose period reaches a year the calendar does not know opens without a due date (the year is never guessed)
but keeps its period, so that loading that year's schedule (calendar.load_schedule) dates it in the same
unit of work: audited, and announced (`review.task.due_dated`) for the case's workflow to chase it."""
from __future__ import annotations

from datetime import datetime

import structlog
from sqlmodel import col, select

from contracts.api.review import TaskStatus
from contracts.events.review import TaskDueDated
from infra.clock import as_utc
from infra.uow import UnitOfWork
from policies.calendar import WorkingDayCalendar
from policies.errors import CalendarUnavailable
from services.review.adapters.orm import Task

log = structlog.get_logger(__name__)


def due_at(calendar: WorkingDayCalendar, opened_at: datetime, working_days: int | None, **context: object) -> datetime | None:
    """The end of the last of `working_days` working days after `opened_at`; None without a period, or
    while the period reaches a year the calendar does not know (an admin loads its schedule,
    POST /admin/calendar-schedules, and the task is dated then: `date_pending_tasks`)."""
    if working_days is None:
        return None
    try:
        return calendar.deadline(as_utc(opened_at), working_days).ends_at
    except CalendarUnavailable as error:
        log.warning("task_due_date_pending_calendar", year=error.year, working_days=working_days, **context)
        return None


def date_pending_tasks(uow: UnitOfWork, calendar: WorkingDayCalendar) -> int:
    """Date every open task that waits for a due date on `calendar` (just extended by a year schedule);
    a task whose period reaches yet another unknown year keeps waiting. Returns how many were dated."""
    pending = uow.session.exec(
        select(Task).where(Task.status == TaskStatus.OPEN, col(Task.due_at).is_(None), col(Task.due_working_days).is_not(None))
        .order_by(col(Task.opened_at), col(Task.id)))
    dated = 0
    for task in pending.all():
        when = due_at(calendar, task.opened_at, task.due_working_days, task_id=task.id)
        if when is None:
            continue
        task.due_at = when
        uow.session.add(task)
        uow.publish(TaskDueDated(task_id=task.id, case_id=task.case_id, kind=task.kind, assignee_role=task.assignee_role,
                                 assignee_org=task.assignee_org, due_at=when), correlation_id=task.case_id)
        uow.audit("task.due_date", "task", task.id, before={"due_at": None},
                  after={"due_at": when.isoformat(), "due_working_days": task.due_working_days})
        dated += 1
    return dated
