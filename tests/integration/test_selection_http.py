"""Selection over HTTP without workflows: nomination checks, bureau scope, four-eyes, publicity and objections."""
from __future__ import annotations

import datetime as dt
import uuid

import httpx
import pytest
from sqlmodel import Session, select

from infra.clock import utcnow
from services.intake.adapters.orm import Candidacy
from services.review.adapters.orm import SelectionPublicity, Task
from tests.support.selection import (
    OFFICE,
    bureau,
    decide,
    material,
    nominate,
    object_to,
    open_round,
    open_tasks,
    publicity,
    verify,
    visitor,
)
from tests.support.stack import Stack
from tests.support.tokens import make_uscc

pytestmark = pytest.mark.integration


def _count(stack: Stack, service: str, model) -> int:  # type: ignore[no-untyped-def]
    with Session(stack.runtimes[service].db.engine) as session:
        return len(session.exec(select(model)).all())


def test_nomination_is_routed_to_the_registration_city_or_the_reform_zone(settings, databases):
    with Stack(settings, databases, services=("intake",)) as stack:
        selection_round = open_round(stack, ["sx_photovoltaic", "sx_special_steel"])
        changzhi = nominate(stack, selection_round["id"], make_uscc("140423"), region="140423")
        assert (changzhi["assignee_role"], changzhi["assignee_org"]) == bureau("140400")
        assert changzhi["materials"][0]["sha256"] and changzhi["materials"][0]["size_bytes"] > 0
        assert changzhi["precheck"]["overall"] in ("met", "needs_review")
        zone = nominate(stack, selection_round["id"], make_uscc("140100"), region="140100", in_reform_zone=True)
        assert zone["assignee_role"] == "reform_zone_committee"


def test_bad_nominations_are_refused_in_chinese_naming_the_field_and_write_nothing(settings, databases):
    with Stack(settings, databases, services=("intake",)) as stack:
        selection_round = open_round(stack, ["sx_photovoltaic"])
        uscc = make_uscc()
        bad_uscc = uscc[:-1] + ("0" if uscc[-1] != "0" else "1")
        refused = nominate(stack, selection_round["id"], uscc, expect=422,
                           enterprise={"uscc": bad_uscc, "name": "企业", "kind": "enterprise", "region": "140400"})
        assert "enterprise.uscc" in refused["message"] and "校验位" in refused["message"]
        refused = nominate(stack, selection_round["id"], uscc, chain="sx_unknown", expect=422)
        assert refused["errors"][0]["field"] == "chain_id" and "不在本批次" in refused["errors"][0]["reason"]
        refused = nominate(stack, selection_round["id"], make_uscc("141100"), region="141100", expect=422)
        assert refused["errors"][0]["field"] == "enterprise.region" and "设区市" in refused["errors"][0]["reason"]
        refused = nominate(stack, selection_round["id"], uscc, expect=422,
                           materials=[{**material(), "content_type": "image/png"}])
        assert refused["errors"][0]["field"] == "materials.0.content_type"
        assert _count(stack, "intake", Candidacy) == 0, "no refused nomination was written"
        first = nominate(stack, selection_round["id"], uscc)
        duplicate = nominate(stack, selection_round["id"], uscc, expect=409)
        assert first["id"] in duplicate["message"] and "重复自荐" in duplicate["message"]
        assert _count(stack, "intake", Candidacy) == 1
        refused = open_round(stack, ["sx_nowhere"], expect=422)
        assert refused["errors"][0]["field"] == "chain_ids.0"


def test_a_nomination_after_the_window_is_refused_naming_the_closing_time(settings, databases):
    with Stack(settings, databases, services=("intake",)) as stack:
        now = dt.datetime.now(dt.UTC)
        closed = open_round(stack, ["sx_photovoltaic"], closes_in=dt.timedelta(seconds=-1),
                            nomination_opens_at=(now - dt.timedelta(days=3)).isoformat())
        refused = nominate(stack, closed["id"], make_uscc(), expect=409)
        closes = dt.datetime.fromisoformat(closed["nomination_closes_at"]).astimezone(dt.timezone(dt.timedelta(hours=8)))
        assert "截止" in refused["message"] and closes.strftime("%Y-%m-%d %H:%M") in refused["message"]


def test_one_bureau_cannot_see_or_act_on_another_bureaus_candidates(settings, databases):
    with Stack(settings, databases, services=("intake", "review")) as stack:
        selection_round = open_round(stack, ["sx_photovoltaic"])
        changzhi = nominate(stack, selection_round["id"], make_uscc("140400"), region="140400")
        xinzhou = nominate(stack, selection_round["id"], make_uscc("140900"), region="140900")
        with stack.client("intake", *bureau("140400"), region="140400") as client:
            assert [c["id"] for c in client.get("/selection/candidacies").json()] == [changzhi["id"]]
            assert client.get(f"/selection/candidacies/{xinzhou['id']}").status_code == 404
            assert client.get(f"/selection/candidacies/{xinzhou['id']}/timeline").status_code == 404
        task = Task(id=f"TASK-{uuid.uuid4().hex[:8]}", case_id=xinzhou["id"], kind="city_recommendation", title="遴选推荐",
                    assignee_role="city_industry_bureau", assignee_org="140900.city_industry_bureau", facts={},
                    status="open", opened_by="x", opened_at=utcnow())
        with Session(stack.runtimes["review"].db.engine, expire_on_commit=False) as session:
            session.add(task)
            session.commit()
        assert open_tasks(stack, *bureau("140400"), region="140400") == []
        refused = decide(stack, *bureau("140400"), task.id, expect=404, region="140400")
        assert "不属于您的单位" in refused["message"]
        decide(stack, *bureau("140900"), task.id, region="140900")
        again = decide(stack, *bureau("140900"), task.id, expect=409, region="140900")
        assert "不能重复办理" in again["message"]


def test_whoever_recommended_cannot_approve_the_same_candidacy(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack:
        case_id = f"CAND-{uuid.uuid4().hex[:8]}"
        rows = [Task(id=f"TASK-{kind}-{uuid.uuid4().hex[:6]}", case_id=case_id, kind=kind, title=kind, assignee_role=role,
                     assignee_org=org, facts={}, status="open", opened_by="x", opened_at=utcnow())
                for kind, (role, org) in (("city_recommendation", bureau("140400")), ("selection_approval", OFFICE))]
        with Session(stack.runtimes["review"].db.engine, expire_on_commit=False) as session:
            session.add_all(rows)
            session.commit()
        decide(stack, *bureau("140400"), rows[0].id, subject="wang", region="140400")
        refused = decide(stack, *OFFICE, rows[1].id, subject="wang", expect=403)
        assert refused["code"] == "four_eyes" and "遴选推荐" in refused["message"]
        decide(stack, *OFFICE, rows[1].id, subject="li")


def _publicity(stack: Stack, starts_on: dt.date, ends_at: dt.datetime, candidacies: list[str]) -> str:
    round_id = f"SEL-T-{uuid.uuid4().hex[:8]}"
    entries = [{"candidacy_id": c, "kind": "chain_leader", "chain_id": "sx_photovoltaic", "status": "listed",
                "enterprise": {"uscc": make_uscc(), "name": f"企业{c[-4:]}", "kind": "enterprise", "region": "140400"}}
               for c in candidacies]
    with Session(stack.runtimes["review"].db.engine) as session:
        session.add(SelectionPublicity(round_id=round_id, year=2026, working_days=7, starts_on=starts_on, ends_at=ends_at,
                                       status="open", entries=entries, opened_at=utcnow()))
        session.commit()
    return round_id


def test_objections_inside_the_period_get_a_receipt_and_outside_are_refused_naming_the_end(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack:
        today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
        current = _publicity(stack, today, utcnow() + dt.timedelta(days=9), ["CAND-A", "CAND-B"])
        receipt = object_to(stack, current, "CAND-A")
        assert receipt["receipt_number"].startswith("YY") and "回执号" in receipt["message"]
        assert object_to(stack, current, "CAND-X", expect=422)["errors"][0]["field"] == "candidacy_id"
        with stack.client("review") as client:
            missing_contact = client.post(f"/public/selection/publicities/{current}/objections",
                                          json={"candidacy_id": "CAND-A", "objector_name": "李四", "reason": "不实"},
                                          headers=visitor())
        assert missing_contact.status_code == 422 and "contact_phone" in missing_contact.json()["message"]
        ended = _publicity(stack, dt.date(2025, 9, 26), dt.datetime(2025, 10, 14, tzinfo=dt.timezone(dt.timedelta(hours=8))),
                           ["CAND-C"])
        refused = object_to(stack, ended, "CAND-C", expect=409)
        assert "2025-10-14 00:00" in refused["message"] and "不再受理" in refused["message"]
        verified = verify(stack, receipt["objection_id"], upheld=True, reason="收入数据不实")
        assert verified["status"] == "upheld"
        listed = publicity(stack, current)
        assert {e["candidacy_id"]: e["status"] for e in listed["entries"]} == {"CAND-A": "removed", "CAND-B": "listed"}


def _objections_from(stack: Stack, forwarded_for: list[str]) -> list[httpx.Response]:
    """One objection per listed X-Forwarded-For value, on a fresh publicity with the limiter emptied."""
    from services.review.entrypoints.selection import OBJECTION_LIMIT

    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    current = _publicity(stack, today, utcnow() + dt.timedelta(days=9), ["CAND-A"])
    body = {"candidacy_id": "CAND-A", "objector_name": "王五", "contact_phone": "13900000000", "reason": "重复提交"}
    OBJECTION_LIMIT.dependency.limiter._buckets.clear()  # type: ignore[attr-defined]
    try:
        with stack.client("review") as client:
            return [client.post(f"/public/selection/publicities/{current}/objections", json=body,
                                headers={"X-Forwarded-For": address}) for address in forwarded_for]
    finally:
        OBJECTION_LIMIT.dependency.limiter._buckets.clear()  # type: ignore[attr-defined]


def test_objections_are_rate_limited_per_client_address(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack:
        responses = _objections_from(stack, ["203.0.113.9"] * 11 + ["203.0.113.10"])
    assert [r.status_code for r in responses[:11]] == [201] * 10 + [429]
    assert responses[10].json()["code"] == "too_many_requests" and "请求过于频繁" in responses[10].json()["message"]
    assert int(responses[10].headers["Retry-After"]) >= 1
    assert responses[11].status_code == 201, "another address (named by a trusted proxy) is not affected"


def test_a_client_that_is_not_a_trusted_proxy_cannot_dodge_the_limit_with_invented_forwarded_for_headers(settings, databases):
    untrusting = settings.model_copy(update={"forwarded_allow_ips": "192.0.2.1"})  # the test client (127.0.0.1) is no proxy
    with Stack(untrusting, databases, services=("review",)) as stack:
        responses = _objections_from(stack, [f"203.0.113.{n}" for n in range(1, 12)])
    assert [r.status_code for r in responses] == [201] * 10 + [429]


def test_the_recommendation_list_waits_for_every_decision_and_is_copied_read_only_to_the_chain_lead_unit(settings, databases):
    from tests.support.selection import submit_list

    with Stack(settings, databases, services=("intake",)) as stack:
        selection_round = open_round(stack, ["sx_photovoltaic"])
        first, second = (nominate(stack, selection_round["id"], make_uscc("140400"), region="140400") for _ in range(2))
        refused = submit_list(stack, selection_round["id"], *bureau("140400"), expect=409)
        assert "尚有2家" in refused["message"]
        lead_unit = ("chain_lead_unit", "sx_photovoltaic.chain_lead_unit")
        with stack.client("intake", *lead_unit, chains=["sx_photovoltaic"]) as client:
            assert client.get("/selection/candidacies").json() == [], "nothing is copied before the list is submitted"
        with Session(stack.runtimes["intake"].db.engine) as session:
            for candidacy_id, status in ((first["id"], "recommended"), (second["id"], "declined")):
                row = session.get(Candidacy, candidacy_id)
                row.status = status
                session.add(row)
            session.commit()
        listed = submit_list(stack, selection_round["id"], *bureau("140400"))
        assert listed["candidacy_ids"] == [first["id"]]
        assert submit_list(stack, selection_round["id"], *bureau("140400"), expect=409)["message"] == "本单位已报送该批次推荐名单"
        with stack.client("intake", *lead_unit, chains=["sx_photovoltaic"]) as client:
            assert [c["id"] for c in client.get("/selection/candidacies").json()] == [first["id"]]
            assert client.post(f"/selection/rounds/{selection_round['id']}/recommendation-lists", json={}).status_code == 403
        with stack.client("intake", *bureau("140900"), region="140900") as client:
            assert client.post(f"/selection/rounds/{selection_round['id']}/recommendation-lists", json={}).status_code == 404
