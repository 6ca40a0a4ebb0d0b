from __future__ import annotations

from datetime import UTC, date, datetime

from policies.beijing import SHANGHAI


def utcnow() -> datetime:
    return datetime.now(UTC)


def beijing_today() -> date:
    """Today as the officials and enterprises count it (from 00:00 to 08:00 UTC it is already tomorrow)."""
    return utcnow().astimezone(SHANGHAI).date()


def as_utc(value: datetime) -> datetime:
    """Aware UTC; naive values (SQLite drops the zone) are taken as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
