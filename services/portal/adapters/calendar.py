"""The working-day calendar the portal counts deadlines on: review's, i.e. the statutory calendar plus the
year schedules an admin loaded at review (GET /public/calendar-schedules), so a year loaded there counts
here too. Fetched again after CACHE_SECONDS; while review cannot be asked, the last schedules fetched
(or none: the statutory calendar alone, which refuses a year it does not know rather than guessing)."""
from __future__ import annotations

import datetime as dt
import threading
import time

import structlog

from policies.calendar import WorkingDayCalendar, YearSchedule
from services.portal.adapters.services import ServiceClients, ServiceRefused, ServiceUnavailable

log = structlog.get_logger(__name__)
CACHE_SECONDS = 300.0
RETRY_SECONDS = 30.0


class ReviewCalendar:
    def __init__(self, clients: ServiceClients, *, cache_seconds: float = CACHE_SECONDS):
        self.clients = clients
        self.cache_seconds = cache_seconds
        self._calendar = WorkingDayCalendar()
        self._fetched_at: float | None = None
        self._lock = threading.Lock()

    def current(self) -> WorkingDayCalendar:
        with self._lock:
            if self._fetched_at is None or time.monotonic() - self._fetched_at >= self.cache_seconds:
                self._refresh()
            return self._calendar

    def is_working_day(self, date: dt.date) -> bool:
        return self.current().is_working_day(date)

    def _refresh(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            rows = self.clients.call("review", "GET", "/public/calendar-schedules")
        except (ServiceUnavailable, ServiceRefused) as error:
            log.warning("calendar_schedules_unavailable", detail=str(error))
            self._fetched_at -= self.cache_seconds - RETRY_SECONDS  # ask again soon, not in five minutes
            return
        self._calendar = WorkingDayCalendar([YearSchedule.model_validate(row) for row in rows])
