"""A supplement request (补正) stops a task's clock: the reopened task gets the working days left."""
from __future__ import annotations

from datetime import date, datetime

from infra.clock import SHANGHAI
from policies.calendar import WorkingDayCalendar
from services.review.domain.task import remaining_working_days

CAL = WorkingDayCalendar()


def test_days_left_count_only_working_days_after_the_stop_up_to_the_due_day():
    # Stopped on Fri 2025-09-26, due Mon 2025-10-13: 9-28 (make-up) 9-29 9-30, 10-9 10-10 10-11 (make-up) 10-13
    assert remaining_working_days(CAL.is_working_day, date(2025, 9, 26), date(2025, 10, 13)) == 7


def test_a_task_stopped_on_its_due_day_resumes_with_one_day():
    assert remaining_working_days(CAL.is_working_day, date(2026, 3, 10), date(2026, 3, 10)) == 1


def test_days_left_do_not_depend_on_how_long_the_applicant_took():
    left = remaining_working_days(CAL.is_working_day, date(2026, 3, 2), date(2026, 3, 6))
    assert left == 4
    resumed = CAL.deadline(datetime(2026, 4, 1, 10, tzinfo=SHANGHAI), left)
    assert resumed.last_day == date(2026, 4, 8)  # Apr 2, 3, (4–6 清明), 7, 8
