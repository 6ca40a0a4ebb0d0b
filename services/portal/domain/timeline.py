"""A case's history as its applicant reads it (intake's timeline: departments already named in Chinese),
and what it tells about now: where the case waits and until when, what a 补正 asks for, the amount fixed."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from policies.beijing import SHANGHAI
from policies.registry import load_registry

PROCESS_ROLES = frozenset({"workflow", "system", "public"})
APPLICANT_ROLES = frozenset({"enterprise", "zone_committee"})


class Entry(Protocol):
    occurred_at: dt.datetime
    event_type: str
    actor: str
    role: str
    summary: str
    details: dict[str, Any]


@dataclass(frozen=True)
class Line:
    at: dt.datetime
    who: str
    text: str


@dataclass(frozen=True)
class Step:
    """A task the case waits on: the department (in Chinese) and the end of its working days (None: not yet known)."""

    department: str
    due_at: dt.datetime | None
    opened_on: dt.date | None = None  # the Beijing day the task opened on (its period starts the day after)

    @property
    def last_day(self) -> dt.date | None:
        """The period's last day in Beijing (due_at is the first instant after it)."""
        return (self.due_at - dt.timedelta(microseconds=1)).astimezone(SHANGHAI).date() if self.due_at else None


@dataclass(frozen=True)
class SupplementRequest:
    department: str
    reason: str
    missing_items: list[str]
    requested_at: dt.datetime


def lines(entries: Sequence[Entry]) -> list[Line]:
    return [Line(e.occurred_at, _who(e), e.summary) for e in entries]


def _who(entry: Entry) -> str:
    if entry.role in APPLICANT_ROLES:
        return "本单位"
    if entry.role in PROCESS_ROLES:
        return "系统"
    return entry.actor


def open_steps(entries: Sequence[Entry]) -> list[Step]:
    """Tasks opened and not yet decided, oldest first."""
    decided = {e.details.get("task_id") for e in entries if e.event_type == "review.decision.recorded"}
    registry = load_registry()
    return [Step(registry.organisation_zh(e.details["assignee_org"]), _instant(e.details.get("due_at")),
                 e.occurred_at.astimezone(SHANGHAI).date())
            for e in entries if e.event_type == "review.task.opened" and e.details.get("task_id") not in decided
            and e.details.get("assignee_org")]


def supplement_request(entries: Sequence[Entry]) -> SupplementRequest | None:
    """The last 补正 asked for, unless the applicant has answered it since."""
    for entry in reversed(entries):
        if entry.event_type.endswith("resubmitted"):
            return None
        if entry.event_type == "review.decision.recorded" and entry.details.get("decision") == "supplement":
            return SupplementRequest(entry.actor, str(entry.details.get("reason") or ""),
                                     list(entry.details.get("missing_items") or []), entry.occurred_at)
    return None


def determinations(entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """Each amount a department fixed (核定), oldest first (a two-phase award has two)."""
    return [e.details["determination"] for e in entries if e.details.get("determination")]


def _instant(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
