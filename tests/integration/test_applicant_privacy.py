"""An applicant learns what the departments decided, not who inside them decided it, nor which
competitor claims the same referral project (晋工信新材料规字〔2024〕1号 9.2.1)."""
from __future__ import annotations

import pytest

from contracts.envelope import Actor, EventEnvelope
from contracts.events.review import DecisionRecorded
from infra.claims import normalise_subject
from tests.support.bus import publish, subscribed
from tests.support.cases import CENTER, apply, tech_transfer_facts
from tests.support.referrals import register
from tests.support.stack import Stack
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration


def test_the_applicant_sees_the_deciding_department_and_officials_see_the_officer(settings, databases):
    uscc = make_uscc()
    with Stack(settings, databases, services=("intake",)) as stack:
        subscribed(stack, "intake")
        case_id = apply(stack, uscc, "ckf2022-8.3", tech_transfer_facts())
        decided = DecisionRecorded(task_id="TASK-1", case_id=case_id, kind="case_review", decision="approve",
                                   reason="材料齐全", decided_by="center-officer-7")
        publish(stack, EventEnvelope.wrap(decided, producer="review", correlation_id=case_id, actor=Actor(
            subject="center-officer-7", role="competent_department", organisation=CENTER)))

        def timeline(role: str, organisation: str, **claims) -> list[dict]:  # type: ignore[no-untyped-def]
            with stack.client("intake", role, organisation, **claims) as client:
                return client.get(f"/applications/{case_id}/timeline").json()

        own = eventually(lambda: len(entries := timeline("enterprise", uscc, region="140400")) == 2 and entries,
                         what="the decision on the applicant's timeline")
        assert [e["event_type"] for e in own] == ["intake.application.submitted", "review.decision.recorded"]
        assert own[1]["actor"] == "长治市引进国外智力（专家）服务中心" and own[1]["organisation"] == CENTER
        assert own[0]["actor"] == normalise_subject(f"enterprise@{uscc}"), "the applicant's own entries stay as they were"
        assert "center-officer-7" not in str(own)
        for role, organisation, claims in (("auditor", "province.audit", {}),
                                           ("city_science_bureau", "140400.city_science_bureau", {"region": "140400"})):
            assert timeline(role, organisation, **claims)[1]["actor"] == "center-officer-7"


def test_a_second_referrer_is_refused_without_learning_who_registered_first(settings, databases):
    first, second, investee = make_uscc(), make_uscc(), make_uscc()
    with Stack(settings, databases, services=("intake",)) as stack:
        register(stack, first, planned_fai_yuan="40000000", investee=investee, project_code="P-1")
        refused = register(stack, second, planned_fai_yuan="40000000", investee=investee, project_code="P-1", expect=409)
        assert refused["code"] == "conflict" and "已有引荐单位登记" in refused["message"]
        assert first not in str(refused) and f"链主企业{first[-4:]}" not in str(refused), "the competitor is not named"
        with stack.client("intake", "enterprise", second, region="140400") as client:
            assert client.get("/referral-projects").json() == [], "the refused claim wrote nothing"
