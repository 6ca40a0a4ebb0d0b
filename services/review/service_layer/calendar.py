"""review's working-day calendar: the statutory calendar (policies.calendar) plus every year schedule an
admin loaded (POST /admin/calendar-schedules, recorded with its source notice). Every period review
counts — a task's due date, the working days a task keeps after 补正, a publicity — is counted on
`working_day_calendar(uow)`, so a year an admin loads counts everywhere at once. A year neither knows
raises `CalendarUnavailable`; it is never guessed. Loading a year dates the open tasks that waited for it
(due_dates.date_pending_tasks)."""
from __future__ import annotations

from sqlmodel import col, select

from contracts.api.review import CalendarScheduleLoaded, CalendarSchedulePublic
from infra.auth import Principal
from infra.clock import utcnow
from infra.errors import Conflict, InvalidRequest
from infra.uow import UnitOfWork
from policies.calendar import WorkingDayCalendar, YearSchedule
from policies.errors import DataFileInvalid
from services.review.adapters.orm import CalendarScheduleRecord
from services.review.service_layer.due_dates import date_pending_tasks

CALENDAR_LOCK = "review.calendar"  # taken by a schedule's load and by a task whose period waits for one


def working_day_calendar(uow: UnitOfWork) -> WorkingDayCalendar:
    return WorkingDayCalendar(loaded_schedules(uow))


def loaded_schedules(uow: UnitOfWork) -> list[YearSchedule]:
    """Every year schedule an admin loaded, oldest year first (public too: the portal counts on them)."""
    rows = uow.session.exec(select(CalendarScheduleRecord).order_by(col(CalendarScheduleRecord.year)))
    return [YearSchedule.model_validate(row.body) for row in rows]


def load_schedule(uow: UnitOfWork, principal: Principal, schedule: YearSchedule) -> CalendarScheduleLoaded:
    """Load a year schedule; the open tasks whose period reached that year get their due date now."""
    uow.lock(CALENDAR_LOCK)  # a task opened meanwhile either sees this year or is dated below (tasks.open_task)
    if uow.session.get(CalendarScheduleRecord, schedule.year) is not None:
        raise Conflict(f"{schedule.year}年节假日安排已载入", year=schedule.year)
    try:
        WorkingDayCalendar([schedule])
    except DataFileInvalid as error:
        raise InvalidRequest.on("holidays", error.message) from None
    body = schedule.model_copy(update={"loaded_at": utcnow()}).model_dump(mode="json")
    record = CalendarScheduleRecord(year=schedule.year, body=body, loaded_by=principal.subject, loaded_at=utcnow())
    uow.session.add(record)
    uow.audit("calendar.schedule.load", "calendar_schedule", str(schedule.year), after=body)
    uow.session.flush()
    dated = date_pending_tasks(uow, working_day_calendar(uow))
    return CalendarScheduleLoaded(**schedule_public(record).model_dump(), tasks_due_dated=dated)


def list_schedules(uow: UnitOfWork) -> list[CalendarSchedulePublic]:
    return [schedule_public(r) for r in uow.session.exec(select(CalendarScheduleRecord).order_by(col(CalendarScheduleRecord.year)))]


def schedule_public(record: CalendarScheduleRecord) -> CalendarSchedulePublic:
    schedule = YearSchedule.model_validate(record.body)
    return CalendarSchedulePublic(year=record.year, source_title=schedule.source.title, holidays=len(schedule.holidays),
                                  makeup_workdays=len(schedule.makeup_workdays), loaded_by=record.loaded_by,
                                  loaded_at=record.loaded_at)
