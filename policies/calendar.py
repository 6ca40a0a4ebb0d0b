"""The statutory working-day calendar and deadlines in Asia/Shanghai.

Which days are working days: an official schedule loaded as data (`YearSchedule`, from
policies/data/calendar/ or passed in by an admin action that records the source notice) or,
for the years it covers, the PyPI package chinese-calendar (State Council holidays and 调休
make-up workdays). A loaded schedule wins over the package for its year. A date in a year with
neither raises `CalendarUnavailable` — weekends alone are never taken as the calendar.

Deadlines follow 民法典 第二百零一条至第二百零三条: the start day is not counted; counting
starts the next day; the period ends at 24:00 of its last day (or at the end of business hours
where configured). `ends_at` is the first instant after the period: filed in time ⇔ t < ends_at.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import NamedTuple

import chinese_calendar
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from policies._yaml import load_yaml
from policies.beijing import SHANGHAI
from policies.errors import CalendarUnavailable, DataFileInvalid
from policies.text import Text

MAX_WORKING_DAYS = 1000
_WEEKDAY_ZH = "一二三四五六日"
_HOLIDAY_ZH = {h.value: h.chinese for h in chinese_calendar.Holiday}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NamedDay(_Model):
    date: dt.date
    name: Text = Field(min_length=1)


class SourceNotice(_Model):
    document_number: Text | None = None
    title: Text = Field(min_length=1)
    url: str | None = None
    published_on: dt.date | None = None


class YearSchedule(_Model):
    """One year's official holidays and make-up workdays, with the notice they come from."""

    year: int = Field(ge=2000, le=2100)
    holidays: list[NamedDay]
    makeup_workdays: list[NamedDay] = []
    source: SourceNotice
    loaded_at: dt.datetime | None = None
    test_data: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> YearSchedule:
        days = [d.date for d in self.holidays] + [d.date for d in self.makeup_workdays]
        if any(day.year != self.year for day in days):
            raise ValueError(f"所有日期须在{self.year}年内")
        if len(set(days)) != len(days):
            raise ValueError("同一日期重复出现（或既是假日又是调休上班日）")
        weekdays = [d.date.isoformat() for d in self.makeup_workdays if d.date.weekday() < 5]
        if weekdays:
            raise ValueError(f"调休上班日应为周六或周日：{', '.join(weekdays)}")
        return self

    @classmethod
    def from_file(cls, path: Traversable | Path) -> YearSchedule:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.name.endswith(".json") else load_yaml(text)
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise DataFileInvalid(path.name, [f"{'.'.join(map(str, e['loc'])) or '<schedule>'}: {e['msg']}"
                                              for e in exc.errors()]) from None


class DayInfo(NamedTuple):
    date: dt.date
    working: bool
    makeup: bool
    reason: str
    source: str


class SkippedDay(NamedTuple):
    date: dt.date
    reason: str


class Deadline(_Model):
    start: dt.datetime
    working_days: int | None = None
    calendar_days: int | None = None
    last_day: dt.date
    ends_at: dt.datetime
    counted: list[dt.date]
    makeup_workdays: list[dt.date]
    skipped: list[SkippedDay]
    sources: list[str]
    test_data_used: bool = False

    def is_within(self, moment: dt.datetime) -> bool:
        """True if `moment` (timezone-aware) is inside the period."""
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        return moment < self.ends_at


class WorkingDayCalendar:
    def __init__(self, extra_schedules: Sequence[YearSchedule] = (), *, include_shipped: bool = True) -> None:
        schedules = list(shipped_schedules()) if include_shipped else []
        by_year: dict[int, YearSchedule] = {}
        for schedule in schedules:
            by_year[schedule.year] = schedule
        extra_years: set[int] = set()
        for schedule in extra_schedules:
            if schedule.year in extra_years:
                raise DataFileInvalid("calendar", [f"{schedule.year}年安排重复载入"])
            extra_years.add(schedule.year)
            by_year[schedule.year] = schedule
        self._schedules = by_year
        self._index = {year: ({d.date: d.name for d in s.holidays}, {d.date: d.name for d in s.makeup_workdays})
                       for year, s in by_year.items()}

    def day(self, date: dt.date) -> DayInfo:
        if date.year in self._schedules:
            return self._from_schedule(date)
        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(date)
            in_lieu = chinese_calendar.is_in_lieu(date)
        except NotImplementedError:
            raise CalendarUnavailable(date.year) from None
        source = _package_source()
        name_zh = _HOLIDAY_ZH.get(name, name) if name else None
        if on_holiday:
            if name_zh:
                return DayInfo(date, False, False, f"{name_zh}假期" + ("（调休）" if in_lieu else ""), source)
            return DayInfo(date, False, False, _weekend_reason(date), source)
        if date.weekday() >= 5:
            return DayInfo(date, True, True, f"调休上班日（{name_zh}）" if name_zh else "调休上班日", source)
        return DayInfo(date, True, False, "工作日", source)

    def is_working_day(self, date: dt.date) -> bool:
        return self.day(date).working

    def add_working_days(self, start: dt.date, working_days: int) -> dt.date:
        """The Nth working day after `start` (start not counted)."""
        return self._count(start, working_days)[0][-1]

    def deadline(self, start: dt.datetime, working_days: int,
                 end_of_business: dt.time | None = None) -> Deadline:
        """A period of N working days after the start event."""
        local = _local(start)
        counted, skipped, infos = self._count(local.date(), working_days)
        last = counted[-1]
        return Deadline(start=local, working_days=working_days, last_day=last,
                        ends_at=_end_of(last, end_of_business), counted=counted,
                        makeup_workdays=[i.date for i in infos if i.makeup], skipped=skipped,
                        sources=self._sources(infos), test_data_used=self._test_data(infos))

    def deadline_in_days(self, start: dt.datetime, days: int,
                         end_of_business: dt.time | None = None) -> Deadline:
        """A period of N calendar days; a last day that is not a working day moves to the next
        working day (民法典 第二百零三条)."""
        if not 1 <= days <= 10 * MAX_WORKING_DAYS:
            raise ValueError("days must be between 1 and 10000")
        local = _local(start)
        last = local.date() + dt.timedelta(days=days)
        info = self.day(last)
        skipped, infos = [], [info]
        while not info.working:
            skipped.append(SkippedDay(last, info.reason))
            last += dt.timedelta(days=1)
            info = self.day(last)
            infos.append(info)
        return Deadline(start=local, calendar_days=days, last_day=last, ends_at=_end_of(last, end_of_business),
                        counted=[], makeup_workdays=[], skipped=skipped, sources=self._sources(infos),
                        test_data_used=self._test_data(infos))

    def _count(self, start: dt.date, working_days: int) -> tuple[list[dt.date], list[SkippedDay], list[DayInfo]]:
        if isinstance(working_days, bool) or not isinstance(working_days, int):
            raise ValueError("working_days must be an integer")
        if not 1 <= working_days <= MAX_WORKING_DAYS:
            raise ValueError(f"working_days must be between 1 and {MAX_WORKING_DAYS}")
        counted: list[dt.date] = []
        skipped: list[SkippedDay] = []
        infos: list[DayInfo] = []
        day = start
        while len(counted) < working_days:
            day += dt.timedelta(days=1)
            info = self.day(day)
            infos.append(info)
            if info.working:
                counted.append(day)
            else:
                skipped.append(SkippedDay(day, info.reason))
        return counted, skipped, infos

    def _from_schedule(self, date: dt.date) -> DayInfo:
        holidays, makeups = self._index[date.year]
        schedule = self._schedules[date.year]
        source = schedule.source.document_number or schedule.source.title
        if date in holidays:
            return DayInfo(date, False, False, f"{holidays[date]}假期", source)
        if date in makeups:
            return DayInfo(date, True, True, f"调休上班日（{makeups[date]}）", source)
        if date.weekday() >= 5:
            return DayInfo(date, False, False, _weekend_reason(date), source)
        return DayInfo(date, True, False, "工作日", source)

    def _sources(self, infos: Iterable[DayInfo]) -> list[str]:
        return list(dict.fromkeys(i.source for i in infos))

    def _test_data(self, infos: Iterable[DayInfo]) -> bool:
        return any(self._schedules[i.date.year].test_data for i in infos if i.date.year in self._schedules)


def load_schedules(directory: Traversable | Path) -> list[YearSchedule]:
    return [YearSchedule.from_file(entry) for entry in sorted(directory.iterdir(), key=lambda e: e.name)
            if entry.name.endswith((".yaml", ".yml", ".json"))]


@lru_cache(maxsize=1)
def shipped_schedules() -> tuple[YearSchedule, ...]:
    """Official schedules shipped in policies/data/calendar/ (none yet: chinese-calendar covers to 2026)."""
    return tuple(load_schedules(files("policies.data.calendar")))


def _local(start: dt.datetime) -> dt.datetime:
    if not isinstance(start, dt.datetime):
        raise ValueError("start must be a datetime")
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be timezone-aware")
    return start.astimezone(SHANGHAI)


def _end_of(last: dt.date, end_of_business: dt.time | None) -> dt.datetime:
    if end_of_business is None:
        return dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=SHANGHAI)
    return dt.datetime.combine(last, end_of_business.replace(tzinfo=None), tzinfo=SHANGHAI)


def _weekend_reason(date: dt.date) -> str:
    return f"周{_WEEKDAY_ZH[date.weekday()]}休息日"


@lru_cache(maxsize=1)
def _package_source() -> str:
    for distribution in ("chinese-calendar", "chinesecalendar"):
        try:
            return f"chinese-calendar {version(distribution)}"
        except PackageNotFoundError:
            continue
    return "chinese-calendar"
