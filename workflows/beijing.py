"""Workflow time as officials count it: Beijing time (UTC+8, no daylight saving), read from
`workflow.now()` so a replay sees the same instant. From 00:00 to 08:00 Beijing the UTC date is
still yesterday, and on 1 January the UTC year is still last year: yearly caps count Beijing years."""
from __future__ import annotations

from datetime import date

from temporalio import workflow

from policies.beijing import in_beijing


def today() -> date:
    return in_beijing(workflow.now()).date()


def year() -> int:
    return today().year
