"""One Beijing time for every date, deadline and document (policies.beijing)."""
from __future__ import annotations

from datetime import UTC, datetime

from policies.beijing import SHANGHAI, beijing_minute, in_beijing


def test_an_instant_reads_in_beijing_time_to_the_minute_and_naive_values_are_utc():
    assert beijing_minute(datetime(2025, 10, 13, 16, 0, tzinfo=UTC)) == "2025-10-14 00:00"
    assert beijing_minute(datetime(2025, 10, 13, 16, 0)) == "2025-10-14 00:00"  # SQLite drops the zone
    assert beijing_minute(None) == ""


def test_new_years_eve_in_utc_is_already_the_new_year_in_beijing():
    moment = in_beijing(datetime(2026, 12, 31, 16, 0, tzinfo=UTC))
    assert moment.date().isoformat() == "2027-01-01" and moment.utcoffset() == SHANGHAI.utcoffset(moment)
