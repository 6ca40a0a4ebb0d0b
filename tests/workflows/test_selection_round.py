"""A whole selection round: 50+ candidates, three chains, two cities, nomination → publication, through
the real services, broker and time-skipping Temporal; checks each candidate's final state and timeline."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from tests.support.selection import (
    LEADING_GROUP,
    OFFICE,
    bureau,
    candidacy,
    nominate,
    open_round,
    submit_list,
    timeline,
)
from tests.support.stack import Stack
from tests.support.temporal import TemporalHarness
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually
from tests.workflows.test_selection import finish

pytestmark = pytest.mark.workflow

CHAINS = ["sx_photovoltaic", "sx_special_steel", "sx_new_energy_vehicle"]
CITIES = ["140400", "140900"]


def _decide_all(stack: Stack, role: str, organisation: str, kind: str, expected: set[str], rejected: set[str],
                **claims) -> None:
    """The official works through the queue: every expected case's task of `kind`, as it arrives."""
    remaining = set(expected)
    with stack.client("review", role, organisation, subject=f"{role}-{kind}", **claims) as client:
        def arrived() -> list[dict]:
            tasks = client.get("/tasks", params={"status": "open", "limit": 500}).json()
            return [t for t in tasks if t["kind"] == kind and t["case_id"] in remaining]
        while remaining:
            for task in eventually(arrived, timeout=60, what=f"{kind} tasks at {organisation} ({len(remaining)} left)"):
                decision = "reject" if task["case_id"] in rejected else "approve"
                response = client.post(f"/tasks/{task['id']}/decision",
                                       json={"decision": decision, "reason": "不予推荐" if decision == "reject" else "同意"})
                assert response.status_code == 201, response.text
                remaining.discard(task["case_id"])


def _decide_all_expert(stack: Stack, expert: str, cases: set[str]) -> None:
    """An expert scores every candidacy of its panels (drawn at random: which ones is not known beforehand)."""
    with stack.client("review", "auditor", "audit-office") as auditor:
        def all_drawn() -> bool:
            tasks = auditor.get("/tasks", params={"limit": 500, "offset": 0}).json()
            tasks += auditor.get("/tasks", params={"limit": 500, "offset": 500}).json()
            return len({t["case_id"] for t in tasks if t["kind"] == "expert_review" and t["case_id"] in cases}) == len(cases)
        eventually(all_drawn, timeout=60, what="every panel to be drawn")
    with stack.client("review", "expert", expert, subject=expert) as client:
        for task in client.get("/tasks", params={"status": "open", "limit": 500}).json():
            response = client.post(f"/tasks/{task['id']}/decision", json={"decision": "approve", "reason": "同意列入",
                                                                          "verified_facts": {"score": 80}})
            assert response.status_code == 201, response.text


def test_a_round_of_fifty_four_candidates_from_nomination_to_publication(settings, postgres_databases):
    rng = random.Random(20260926)
    with Stack(settings, postgres_databases) as stack, TemporalHarness(stack.settings) as temporal:
        selection = open_round(stack, CHAINS, closes_in=dt.timedelta(minutes=30))
        eventually(lambda: temporal.status(selection["id"]) is not None, what="the round workflow")
        nominated = [nominate(stack, selection["id"], make_uscc(city, rng), region=city, chain=chain)
                     for index in range(54) for chain, city in [(CHAINS[index % 3], CITIES[index % 2])]]
        by_city = {city: {n["id"] for n in nominated if n["assignee_org"] == bureau(city)[1]} for city in CITIES}
        assert all(len(ids) == 27 for ids in by_city.values())
        declined = {nominated[i]["id"] for i in (0, 7, 13, 20)}
        not_approved = {nominated[33]["id"]}
        for city in CITIES:
            _decide_all(stack, *bureau(city), "city_recommendation", by_city[city], declined, region=city)
            listed = submit_list(stack, selection["id"], *bureau(city))
            assert set(listed["candidacy_ids"]) == by_city[city] - declined
        recommended = {n["id"] for n in nominated} - declined
        _decide_all(stack, *OFFICE, "completeness_check", recommended, set())
        for chain in CHAINS:  # one expert per panel in this round (the pool's loaded panel size)
            for n in range(1, 4):
                _decide_all_expert(stack, f"{chain}-expert-{n}", recommended)
        _decide_all(stack, *LEADING_GROUP, "selection_approval", recommended, not_approved)
        outcome = finish(temporal, selection["id"], skip=dt.timedelta(days=3))
        published = recommended - not_approved
        assert set(outcome["published"]) == published and len(published) == 49
        expected = {**{c: "declined" for c in declined}, **{c: "not_approved" for c in not_approved},
                    **{c: "published" for c in published}}
        for case_id, status in expected.items():
            final = eventually(lambda: (c := candidacy(stack, case_id))["status"] == status and c,
                               what=f"{case_id} to be {status}")
            history = [e["event_type"] for e in timeline(stack, case_id)]
            assert history[0] == "intake.selection.nominated"
            if status == "published":
                assert final["chain_id"] in CHAINS
                assert history[-2:] == ["review.selection.publicity_opened", "selection.candidate.published"]
                # recommendation, completeness, one expert, approval
                assert history.count("review.decision.recorded") == 4
                assert "intake.selection.list_submitted" in history
                assert "review.selection.panel_drawn" in history and "review.selection.panel_recommended" in history
            elif status == "declined":
                assert history[-1] == "review.decision.recorded" and history.count("review.task.opened") == 1
