"""The leaders' cockpit's rules (长办发〔2020〕17号 第28条): statuses from events in any order, working days per step
on the statutory calendar, median and p90, overdue share, the selection funnel, the SVG bars."""
from __future__ import annotations

import datetime as dt

import pytest

from policies.calendar import SHANGHAI, WorkingDayCalendar
from services.portal.domain.charts import bar_chart
from services.portal.domain.cockpit import (
    CandidacyFacts,
    CaseFacts,
    StepFacts,
    case_status,
    funnel,
    median,
    p90,
    step_figures,
    working_days_taken,
)
from services.portal.service_layer.cockpit import Period


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI).astimezone(dt.UTC)


def test_median_and_p90_by_nearest_rank():
    assert median([]) is None and p90([]) is None
    assert median([3, 1, 2]) == 2 and median([1, 2, 3, 4]) == 2.5
    assert p90(list(range(1, 11))) == 9  # ten values: the 9th
    assert p90(list(range(1, 12))) == 10  # eleven: ceil(9.9) = 10th
    assert p90([7]) == 7


def test_a_step_across_national_day_counts_only_statutory_working_days():
    calendar = WorkingDayCalendar()
    # 2025: 10月1日–8日 holiday, 9月28日 (Sun) and 10月11日 (Sat) make-up workdays.
    assert working_days_taken(calendar, at("2025-09-30"), at("2025-10-09")) == 1
    assert working_days_taken(calendar, at("2025-09-26"), at("2025-09-29")) == 2  # Sun 28th worked, Sat 27th not
    assert working_days_taken(calendar, at("2025-06-03", 9), at("2025-06-03", 17)) == 0  # the same day


def test_a_step_decided_just_after_midnight_beijing_counts_on_beijing_dates():
    calendar = WorkingDayCalendar()
    opened = dt.datetime(2025, 6, 2, 15, 30, tzinfo=dt.UTC)  # Tue 3 June 23:30 in Beijing
    decided = dt.datetime(2025, 6, 2, 16, 30, tzinfo=dt.UTC)  # Wed 4 June 00:30 in Beijing
    assert working_days_taken(calendar, opened, decided) == 1


@pytest.mark.parametrize("facts, status", [
    (CaseFacts(submitted_at=at("2025-06-03")), "submitted"),
    (CaseFacts(task_opened_at=at("2025-06-03")), "under_review"),
    (CaseFacts(task_opened_at=at("2025-06-03"), supplement_at=at("2025-06-04")), "supplement_requested"),
    (CaseFacts(task_opened_at=at("2025-06-03"), supplement_at=at("2025-06-04"), resubmitted_at=at("2025-06-05")), "under_review"),
    (CaseFacts(task_opened_at=at("2025-06-06"), supplement_at=at("2025-06-04")), "under_review"),
    (CaseFacts(determined_fen=20_000_000, supplement_at=at("2025-06-04")), "determined"),
    (CaseFacts(rejected=True, task_opened_at=at("2025-06-03")), "rejected"),
    (CaseFacts(determined_fen=1, plan_opened=True), "payout_planned"),
    (CaseFacts(plan_opened=True, disbursed_stages=1), "partly_disbursed"),
    (CaseFacts(plan_opened=True, disbursed_stages=2, completed=True), "completed"),
    (CaseFacts(plan_opened=True, disbursed_stages=2, completed=True, clawed_back=True), "clawed_back"),
])
def test_a_case_status_is_the_furthest_point_its_events_tell(facts, status):
    assert case_status(facts) == status


def test_step_figures_per_kind_and_department_with_overdue_share():
    calendar = WorkingDayCalendar()
    now = at("2025-06-30")
    science = "140400.city_science_bureau"
    steps = [
        StepFacts("case_determination", science, at("2025-06-02"), at("2025-06-03"), at("2025-06-10")),  # 1 day
        StepFacts("case_determination", science, at("2025-06-02"), at("2025-06-05"), at("2025-06-04")),  # 3, late
        StepFacts("case_determination", science, at("2025-06-09"), at("2025-06-13"), None),  # 4
        StepFacts("case_determination", science, at("2025-06-09"), None, at("2025-06-20")),  # open, past due
        StepFacts("case_review", "140400.city_foreign_expert_center", at("2025-06-02"), None, at("2025-07-10"),
                  reported_overdue=True),
    ]
    by_kind = {f.kind: f for f in step_figures(calendar, steps, now)}
    determination = by_kind["case_determination"]
    assert (determination.decided, determination.open) == (3, 1)
    assert determination.median_days == 3 and determination.p90_days == 4
    assert determination.overdue == 2 and determination.overdue_share == 0.5
    review = by_kind["case_review"]
    assert review.median_days is None and review.overdue_share == 1.0


def test_a_year_the_calendar_lacks_is_left_out_not_guessed():
    calendar = WorkingDayCalendar()
    far = dt.datetime(2090, 6, 1, tzinfo=dt.UTC)
    [figures] = step_figures(calendar, [StepFacts("case_review", "x.y", far, far + dt.timedelta(days=3), None)], far)
    assert figures.decided == 1 and figures.uncounted == 1 and figures.median_days is None


def test_the_funnel_counts_a_candidacy_in_every_stage_it_reached_even_when_an_event_is_missing():
    stages = funnel([CandidacyFacts(nominated=True), CandidacyFacts(nominated=True, recommended=True),
                     CandidacyFacts(published=True),  # its earlier events not (yet) heard: it reached them all
                     CandidacyFacts(nominated=True, recommended=True, proposed=True, publicised=True)])
    assert [(s.key, s.count) for s in stages] == [("nominated", 4), ("recommended", 3), ("proposed", 2),
                                                  ("publicised", 2), ("published", 1)]
    assert stages[-1].share_of_first == 0.25
    assert funnel([])[0].share_of_first is None


def test_bars_are_proportional_to_the_largest_and_zero_draws_none():
    chart = bar_chart("c", "t", [("预算", 400, "4.00元"), ("拨付", 100, "1.00元"), ("追回", 0, "0.00元")])
    full, quarter, none = chart.bars
    assert full.width == chart.plot_width and quarter.width == chart.plot_width / 4 and none.width == 0
    assert [b.y for b in chart.bars] == sorted(b.y for b in chart.bars)
    assert bar_chart("c", "t", [("很长很长很长的条款名称", 1, "1件")]).bars[0].label.endswith("…")


def test_periods_hold_beijing_dates():
    june = Period.month(2025, 6)
    assert june.holds(dt.datetime(2025, 5, 31, 16, 0, tzinfo=dt.UTC))  # 1 June 00:00 in Beijing
    assert not june.holds(dt.datetime(2025, 6, 30, 16, 0, tzinfo=dt.UTC))  # 1 July in Beijing
    assert Period.month(2025, 12).last == dt.date(2025, 12, 31) and june.label == "2025年6月"
    assert june.holds(dt.date(2025, 6, 30)) and not june.holds(None)
