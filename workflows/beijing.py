"""Workflow time as officials count it: Beijing time (UTC+8, no daylight saving), read from
`workflow.now()` so a replay sees the same instant. From 00:00 to 08:00 Beijing the UTC date is
still yesterday, and on 1 January the UTC year is still last year: yearly caps count Beijing years."""
from __future__ import annotations

from datetime import date, timedelta, timezone

from temporalio import workflow

BEIJING = timezone(timedelta(hours=8))


def today() -> date:
    return workflow.now().astimezone(BEIJING).date()


def year() -> int:
    return today().year
