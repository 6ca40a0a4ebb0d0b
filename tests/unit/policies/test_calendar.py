"""Working days and deadlines (民法典 第二百零一条至第二百零三条) in Asia/Shanghai.

Holiday expectations for 2024 and 2025 follow the State Council notices (国务院办公厅关于2024年 /
2025年部分节假日安排的通知); 2026 follows the schedule as packaged in chinese-calendar 1.11.
"""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from policies.calendar import SHANGHAI, NamedDay, SourceNotice, WorkingDayCalendar, YearSchedule
from policies.errors import CalendarUnavailable

from .conftest import FIXTURES

D = dt.date
CAL = WorkingDayCalendar()


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_publicity_of_seven_working_days_from_2025_09_26_ends_at_the_end_of_2025_10_13():
    deadline = CAL.deadline(at(2025, 9, 26), 7)
    assert deadline.counted == [D(2025, 9, 28), D(2025, 9, 29), D(2025, 9, 30), D(2025, 10, 9),
                                D(2025, 10, 10), D(2025, 10, 11), D(2025, 10, 13)]
    assert deadline.makeup_workdays == [D(2025, 9, 28), D(2025, 10, 11)]
    skipped = {s.date for s in deadline.skipped}
    assert {D(2025, 10, d) for d in range(1, 9)} <= skipped
    assert D(2025, 9, 27) in skipped and D(2025, 10, 12) in skipped
    assert deadline.last_day == D(2025, 10, 13)
    assert deadline.ends_at == dt.datetime(2025, 10, 14, 0, 0, tzinfo=SHANGHAI)
    assert deadline.ends_at.isoformat() == "2025-10-14T00:00:00+08:00"


@pytest.mark.parametrize("start, days, last", [
    (at(2024, 2, 8), 3, D(2024, 2, 19)),    # 2/9 work; 2/10–2/17 春节; 2/18 (Sun) 调休上班; 2/19
    (at(2024, 9, 27), 2, D(2024, 9, 30)),   # 9/28 Sat rest; 9/29 (Sun) 调休上班; 9/30
    (at(2024, 9, 30), 2, D(2024, 10, 9)),   # 10/1–10/7 国庆; 10/8, 10/9
    (at(2024, 9, 13), 2, D(2024, 9, 18)),   # 9/14 (Sat) 调休上班; 9/15–9/17 中秋; 9/18
    (at(2025, 1, 24), 2, D(2025, 1, 27)),   # 1/25 Sat rest; 1/26 (Sun) 调休上班; 1/27
    (at(2025, 4, 30), 1, D(2025, 5, 6)),    # 5/1–5/5 劳动节
    (at(2025, 5, 30), 1, D(2025, 6, 3)),    # 5/31–6/2 端午
    (at(2026, 2, 13), 2, D(2026, 2, 24)),   # 2/14 (Sat) 调休上班; 2/15–2/23 春节; 2/24
    (at(2026, 9, 30), 3, D(2026, 10, 10)),  # 10/1–10/7 国庆; 10/8, 10/9, 10/10 (Sat) 调休上班
])
def test_deadlines_across_2024_to_2026_holidays_and_makeup_workdays(start, days, last):
    assert CAL.deadline(start, days).last_day == last


@pytest.mark.parametrize("day, working, reason", [
    (D(2025, 10, 11), True, "调休上班日"), (D(2025, 10, 1), False, "国庆节假期"),
    (D(2025, 10, 6), False, "中秋假期"), (D(2025, 10, 12), False, "周日休息日"), (D(2025, 10, 13), True, "工作日"),
    (D(2024, 2, 18), True, "调休上班日"), (D(2026, 1, 2), False, "元旦假期"),
])
def test_each_day_says_why(day, working, reason):
    info = CAL.day(day)
    assert info.working is working and info.reason.startswith(reason)


def test_the_start_day_is_never_counted_whatever_the_hour():
    early, late = CAL.deadline(at(2025, 9, 26, 0, 0), 7), CAL.deadline(at(2025, 9, 26, 23, 59), 7)
    assert early.last_day == late.last_day == D(2025, 10, 13)
    assert D(2025, 9, 26) not in early.counted


def test_the_start_is_read_in_asia_shanghai():
    utc = dt.datetime(2025, 9, 25, 16, 30, tzinfo=dt.UTC)  # = 2025-09-26 00:30 in Shanghai
    assert CAL.deadline(utc, 7).last_day == D(2025, 10, 13)


def test_a_start_without_timezone_is_refused():
    with pytest.raises(ValueError):
        CAL.deadline(dt.datetime(2025, 9, 26, 10), 7)


def test_end_of_business_hours_replace_midnight():
    deadline = CAL.deadline(at(2025, 9, 26), 7, end_of_business=dt.time(17, 30))
    assert deadline.ends_at.isoformat() == "2025-10-13T17:30:00+08:00"


def test_a_filing_is_in_time_until_the_period_has_elapsed():
    deadline = CAL.deadline(at(2025, 9, 26), 7)
    assert deadline.is_within(dt.datetime(2025, 10, 13, 23, 59, 59, tzinfo=SHANGHAI))
    assert not deadline.is_within(dt.datetime(2025, 10, 14, 0, 0, tzinfo=SHANGHAI))


def test_zero_or_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        CAL.deadline(at(2025, 9, 26), 0)


def test_a_year_without_data_raises_calendar_unavailable():
    with pytest.raises(CalendarUnavailable) as raised:
        CAL.day(D(2027, 3, 1))
    assert raised.value.year == 2027 and "2027年" in raised.value.message
    with pytest.raises(CalendarUnavailable):
        CAL.deadline(at(2026, 12, 28), 7)  # runs into 2027


def test_a_loaded_schedule_makes_the_year_available_and_is_reported_as_test_data():
    cal = WorkingDayCalendar([YearSchedule.from_file(FIXTURES / "calendar_2027_TEST_DATA.yaml")])
    deadline = cal.deadline(at(2026, 12, 30), 3)
    # 12/31 (Thu) work; 2027-01-01 元旦 (test data); 1/2–1/3 weekend; 1/4, 1/5
    assert deadline.counted == [D(2026, 12, 31), D(2027, 1, 4), D(2027, 1, 5)]
    assert deadline.test_data_used is True
    assert cal.day(D(2027, 1, 9)).working is True  # Saturday made a workday by the (test) schedule


def test_a_loaded_schedule_replaces_the_package_for_its_whole_year():
    # a (test) 2025 schedule with no holidays and no make-up days: National Day is then ordinary time
    # 9/27–9/28 weekend; 9/29, 9/30, 10/1, 10/2, 10/3, (10/4–10/5 weekend), 10/6, 10/7
    empty_2025 = YearSchedule(year=2025, holidays=[], source=SourceNotice(title="测试数据"), test_data=True)
    deadline = WorkingDayCalendar([empty_2025]).deadline(at(2025, 9, 26), 7)
    assert deadline.last_day == D(2025, 10, 7) and deadline.sources == ["测试数据"]


@pytest.mark.parametrize("holidays, makeups", [
    ([NamedDay(date=D(2026, 1, 1), name="x")], []),                                     # wrong year
    ([NamedDay(date=D(2027, 1, 1), name="x"), NamedDay(date=D(2027, 1, 1), name="y")], []),  # duplicate
    ([], [NamedDay(date=D(2027, 1, 6), name="x")]),                                    # a Wednesday as makeup
])
def test_inconsistent_schedules_are_refused(holidays, makeups):
    with pytest.raises(ValidationError):
        YearSchedule(year=2027, holidays=holidays, makeup_workdays=makeups, source=SourceNotice(title="t"))


def test_calendar_day_periods_move_a_last_day_off_work_to_the_next_working_day():
    # 2025-09-26 + 5 days = 10/1 (国庆) → moves to 10/9 (民法典 第二百零三条)
    deadline = CAL.deadline_in_days(at(2025, 9, 26), 5)
    assert deadline.last_day == D(2025, 10, 9)
    assert [s.date for s in deadline.skipped] == [D(2025, 10, d) for d in range(1, 9)]


def test_add_working_days_matches_the_deadline():
    assert CAL.add_working_days(D(2025, 9, 26), 7) == D(2025, 10, 13)


@settings(max_examples=80, deadline=None)
@given(start=st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 11, 30)), days=st.integers(1, 20))
def test_every_period_counts_exactly_n_working_days_after_the_start(start, days):
    deadline = CAL.deadline(dt.datetime.combine(start, dt.time(9), tzinfo=SHANGHAI), days)
    assert len(deadline.counted) == days and deadline.counted == sorted(set(deadline.counted))
    assert all(CAL.is_working_day(d) for d in deadline.counted)
    assert all(not CAL.is_working_day(s.date) for s in deadline.skipped)
    span = {start + dt.timedelta(days=i) for i in range(1, (deadline.last_day - start).days + 1)}
    assert span == set(deadline.counted) | {s.date for s in deadline.skipped}
    assert deadline.last_day == deadline.counted[-1] and deadline.last_day > start
