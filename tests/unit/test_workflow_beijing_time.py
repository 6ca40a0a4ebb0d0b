"""Workflows count days and years in Beijing time, whatever UTC says."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from workflows import beijing


@pytest.mark.parametrize(("instant", "today"), [
    (datetime(2026, 12, 31, 15, 59, tzinfo=UTC), date(2026, 12, 31)),  # 23:59 on New Year's Eve in Beijing
    (datetime(2026, 12, 31, 16, 0, tzinfo=UTC), date(2027, 1, 1)),     # midnight in Beijing, still 2026 in UTC
    (datetime(2026, 11, 26, 23, 0, tzinfo=UTC), date(2026, 11, 27)),
])
def test_today_and_year_are_beijing_dates(monkeypatch, instant, today):
    monkeypatch.setattr(beijing.workflow, "now", lambda: instant)
    assert beijing.today() == today and beijing.year() == today.year
