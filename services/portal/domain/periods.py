"""Deadlines as people read them: the working days left until a period's last day."""
from __future__ import annotations

import datetime as dt

from policies.calendar import WorkingDayCalendar
from policies.errors import CalendarUnavailable


def remaining_working_days(calendar: WorkingDayCalendar, today: dt.date, last_day: dt.date,
                           opened_on: dt.date | None = None) -> int | None:
    """Working days from today to the last day, both counted (today is still usable until 24:00);
    0 once the last day is past; None when the calendar cannot count a year in between.

    A period runs from the day after the one it opened on (民法典 第二百零一条: the starting day is not
    counted), so on its opening day a 5-working-day task has 5 days left, not 6."""
    first = today if opened_on is None else max(today, opened_on + dt.timedelta(days=1))
    if last_day < first:
        return 0
    try:
        return sum(1 for offset in range((last_day - first).days + 1)
                   if calendar.is_working_day(first + dt.timedelta(days=offset)))
    except CalendarUnavailable:
        return None
