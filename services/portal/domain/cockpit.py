"""The leaders' cockpit's rules (领导驾驶舱, 长办发〔2020〕17号 第28条: 强化对创新生态数据监测): a case's status from
the facts its events left, whatever order they came in; working days a step took on the statutory calendar;
median and 90th percentile; the selection funnel. Pure: no I/O."""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median as _median

from policies.beijing import SHANGHAI
from policies.calendar import WorkingDayCalendar
from policies.errors import CalendarUnavailable

CITATION = "长办发〔2020〕17号 第28条"

STATUS_LABELS = {
    "submitted": "已提交",
    "under_review": "审核中",
    "supplement_requested": "待补正",
    "rejected": "未通过",
    "determined": "已核定",
    "payout_planned": "已建立拨付计划",
    "partly_disbursed": "部分拨付",
    "completed": "已全部拨付",
    "clawed_back": "已追回",
}
STATUS_ORDER = tuple(STATUS_LABELS)


@dataclass(frozen=True)
class CaseFacts:
    """What the events told about one case (None: not heard yet)."""

    submitted_at: dt.datetime | None = None
    task_opened_at: dt.datetime | None = None  # the latest task opened on it
    supplement_at: dt.datetime | None = None  # the latest 补正 asked
    resubmitted_at: dt.datetime | None = None  # the latest answer to a 补正
    rejected: bool = False
    determined_fen: int = 0
    plan_opened: bool = False
    disbursed_stages: int = 0
    completed: bool = False
    clawed_back: bool = False


def case_status(facts: CaseFacts) -> str:
    """The furthest point the case has reached. A 补正 counts while nothing (answer, new task) came after it."""
    if facts.clawed_back:
        return "clawed_back"
    if facts.completed:
        return "completed"
    if facts.disbursed_stages:
        return "partly_disbursed"
    if facts.plan_opened:
        return "payout_planned"
    if facts.rejected:
        return "rejected"
    if facts.determined_fen:
        return "determined"
    if facts.supplement_at is not None:
        answered = [t for t in (facts.resubmitted_at, facts.task_opened_at) if t is not None and t > facts.supplement_at]
        if not answered:
            return "supplement_requested"
    if facts.task_opened_at is not None or facts.supplement_at is not None:
        return "under_review"
    return "submitted"


def working_days_taken(calendar: WorkingDayCalendar, start: dt.datetime, end: dt.datetime) -> int:
    """Working days from a step's start to its end in Beijing time: the start's day is not counted, the end's is
    (民法典 第二百零一条); a step decided on the day it opened took 0. Raises CalendarUnavailable for an unknown year."""
    first, last = start.astimezone(SHANGHAI).date(), end.astimezone(SHANGHAI).date()
    return sum(1 for offset in range(1, (last - first).days + 1) if calendar.is_working_day(first + dt.timedelta(days=offset)))


def median(values: Sequence[int]) -> float | None:
    return float(_median(values)) if values else None


def p90(values: Sequence[int]) -> int | None:
    """The 90th percentile by nearest rank: the smallest value at least 90% of the values do not exceed."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class StepFacts:
    kind: str
    organisation: str
    opened_at: dt.datetime | None
    decided_at: dt.datetime | None
    due_at: dt.datetime | None
    reported_overdue: bool = False

    def overdue(self, now: dt.datetime) -> bool:
        """Past its due date: reported overdue by review, decided after it, or still open after it."""
        if self.reported_overdue:
            return True
        if self.due_at is None:
            return False
        return (self.decided_at or now) > self.due_at


@dataclass(frozen=True)
class StepFigures:
    kind: str
    organisation: str
    decided: int
    open: int
    median_days: float | None
    p90_days: int | None
    overdue: int
    uncounted: int  # decided, but in a year the calendar does not know: left out of median and p90

    @property
    def overdue_share(self) -> float | None:
        return share(self.overdue, self.decided + self.open)


def step_figures(calendar: WorkingDayCalendar, steps: Iterable[StepFacts], now: dt.datetime) -> list[StepFigures]:
    """Per step kind and department: how many decided and open, the median and p90 of working days taken, overdue."""
    groups: dict[tuple[str, str], list[StepFacts]] = {}
    for step in steps:
        if step.opened_at is not None:
            groups.setdefault((step.kind, step.organisation), []).append(step)
    figures = []
    for (kind, organisation), members in sorted(groups.items()):
        days, uncounted = [], 0
        for step in members:
            if step.opened_at is None or step.decided_at is None:  # opened_at: always set in `groups`
                continue
            try:
                days.append(working_days_taken(calendar, step.opened_at, step.decided_at))
            except CalendarUnavailable:
                uncounted += 1
        decided = sum(1 for s in members if s.decided_at is not None)
        figures.append(StepFigures(kind, organisation, decided, len(members) - decided, median(days), p90(days),
                                   sum(1 for s in members if s.overdue(now)), uncounted))
    return figures


# The five-step selection procedure (晋政办发〔2023〕44号, seed 004 §10.3) as a funnel: each candidacy counts in every
# stage it reached.
FUNNEL_STAGES = (
    ("nominated", "企业自荐"),
    ("recommended", "遴选推荐"),
    ("proposed", "专家评审建议"),
    ("publicised", "公示"),
    ("published", "公布"),
)


@dataclass(frozen=True)
class CandidacyFacts:
    nominated: bool = False
    recommended: bool = False
    proposed: bool = False
    publicised: bool = False
    published: bool = False

    def reached(self, stage: str) -> bool:
        """A later stage implies the earlier ones (an event that arrived late or was never published)."""
        names = [name for name, _ in FUNNEL_STAGES]
        return any(getattr(self, later) for later in names[names.index(stage):])


@dataclass(frozen=True)
class FunnelStage:
    key: str
    label: str
    count: int
    share_of_first: float | None


def funnel(candidacies: Iterable[CandidacyFacts]) -> list[FunnelStage]:
    items = list(candidacies)
    counts = [(key, label, sum(1 for c in items if c.reached(key))) for key, label in FUNNEL_STAGES]
    first = counts[0][2]
    return [FunnelStage(key, label, count, share(count, first)) for key, label, count in counts]
