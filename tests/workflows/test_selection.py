"""链主/链核 selection (晋政办发〔2023〕44号, seed 004 §10.3) carried by the SelectionRound and
SelectionCandidacy workflows through the real services, broker and time-skipping Temporal."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.support.selection import (
    OFFICE, candidacy, carry_through, decide, nominate, object_to, open_round, publicity, task_for, timeline, verify,
)
from tests.support.stack import Stack
from tests.support.temporal import TemporalHarness
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually

pytestmark = pytest.mark.workflow
BEIJING = dt.timezone(dt.timedelta(hours=8))


def finish(temporal: TemporalHarness, round_id: str, skip: dt.timedelta = dt.timedelta(hours=1)) -> dict:
    """Close the nomination window (and any timer after it) on the time-skipping server, then the result."""
    temporal.skip(skip)
    eventually(lambda: temporal.status(round_id) in ("published", "closed_without_candidates"),
               what=f"round {round_id} to finish; status {temporal.status(round_id)}")
    return temporal.result(round_id)


def _round_started(temporal: TemporalHarness, round_id: str) -> None:
    eventually(lambda: temporal.status(round_id) is not None, what="the round workflow to start")


def test_publicity_from_2025_09_26_ends_at_the_end_of_2025_10_13_and_the_list_is_published(settings, databases):
    if databases.kind != "postgresql":
        pytest.skip("workflow path exercised on PostgreSQL")
    with Stack(settings, databases) as stack, TemporalHarness(stack.settings) as temporal:
        selection = open_round(stack, ["sx_photovoltaic"], closes_in=dt.timedelta(minutes=30),
                               publicity_starts_on="2025-09-26")
        _round_started(temporal, selection["id"])
        nominated = nominate(stack, selection["id"], make_uscc("140400"), region="140400",
                             zone_id="changzhi_high_tech_zone")
        carry_through(stack, nominated)
        outcome = finish(temporal, selection["id"])
        assert outcome["status"] == "published" and outcome["published"] == [nominated["id"]]
        listed = publicity(stack, selection["id"])
        # 9-28 (Sun) and 10-11 (Sat) are make-up workdays; 1–8 October is the National Day holiday
        assert listed["starts_on"] == "2025-09-26" and listed["last_day"] == "2025-10-13"
        assert dt.datetime.fromisoformat(listed["ends_at"]) == dt.datetime(2025, 10, 14, tzinfo=BEIJING)
        final = eventually(lambda: (c := candidacy(stack, nominated["id"]))["status"] == "published" and c,
                           what="intake to record the publication")
        assert final["zone_id"] == "changzhi_high_tech_zone"
        history = timeline(stack, nominated["id"])
        assert history[0]["event_type"] == "intake.selection.nominated"
        assert history[-1]["event_type"] == "selection.candidate.published"
        refused = object_to(stack, selection["id"], nominated["id"], expect=409)
        assert "2025-10-14 00:00" in refused["message"]
