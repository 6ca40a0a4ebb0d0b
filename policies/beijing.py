"""Beijing time, as officials and enterprises count dates, deadlines and years (Asia/Shanghai).

The one time zone of duixian and the one way an instant is shown to the minute. Pure: the wall clock
is read in infra.clock (services) and workflow.now() (workflows, workflows/beijing.py)."""
from __future__ import annotations

import datetime as dt

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    SHANGHAI: dt.tzinfo = ZoneInfo("Asia/Shanghai")
except (ImportError, ZoneInfoNotFoundError):  # no tz database: China has kept UTC+8 without DST since 1991
    SHANGHAI = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def in_beijing(moment: dt.datetime) -> dt.datetime:
    """The instant in Beijing time; a naive value (SQLite drops the zone) is taken as UTC."""
    return (moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment).astimezone(SHANGHAI)


def beijing_minute(moment: dt.datetime | None) -> str:
    """An instant as people read it: Beijing time to the minute, "2025-10-14 00:00" ("" when there is none)."""
    return in_beijing(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
