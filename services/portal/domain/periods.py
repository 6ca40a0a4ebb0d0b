"""Deadlines as people read them: the working days left until a period's last day."""
from __future__ import annotations

import datetime as dt

from policies.calendar import WorkingDayCalendar
from policies.errors import CalendarUnavailable


def remaining_working_days(calendar: WorkingDayCalendar, today: dt.date, last_day: dt.date) -> int | None:
    """Working days from today to the last day, both counted (today is still usable until 24:00);
    0 once the last day is past; None when the calendar cannot count a year in between."""
    if last_day < today:
        return 0
    try:
        return sum(1 for offset in range((last_day - today).days + 1)
                   if calendar.is_working_day(today + dt.timedelta(days=offset)))
    except CalendarUnavailable:
        return None
