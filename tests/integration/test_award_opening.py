"""A candidate on a published selection list gets its award cases without applying: its 9.1.1
recognition award at once, and its zone's 9.4.1 cultivation award once the zone committee is
registered (晋工信新材料规字〔2024〕1号 9.1.1, 9.4.1)."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from contracts.common import ApplicantRef
from contracts.envelope import EventEnvelope
from contracts.events.selection import CandidatePublished
from tests.support.bus import publish, subscribed
from tests.support.stack import Stack
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration


def published(kind: str, uscc: str, zone_id: str | None) -> EventEnvelope:
    candidacy = f"CAND-{uuid.uuid4().hex[:12].upper()}"
    event = CandidatePublished(
        round_id="RND-2026-1", candidacy_id=candidacy, kind=kind, chain_id="special_steel",  # type: ignore[arg-type]
        enterprise=ApplicantRef(uscc=uscc, name="长治示例钢铁有限公司", region="140400"),
        zone_id=zone_id, year=2026, published_on=date(2026, 10, 20),
    )
    return EventEnvelope.wrap(event, producer="review", correlation_id=candidacy)


def test_a_published_chain_leader_gets_its_recognition_award_and_its_zone_the_cultivation_award(settings, databases):
    leader, committee_uscc = make_uscc("140400"), make_uscc("140400")
    with Stack(settings, databases, services=("intake",)) as stack:
        subscribed(stack, "intake")
        envelope = published("chain_leader", leader, "changzhi_high_tech_zone")
        candidacy = envelope.correlation_id
        publish(stack, envelope, times=2)  # redelivered: opened once

        with stack.client("intake", "enterprise", leader, region="140400") as enterprise:
            award = eventually(lambda: enterprise.get(f"/applications/APP-{candidacy}-RECOGNITION").json()
                               if enterprise.get(f"/applications/APP-{candidacy}-RECOGNITION").status_code == 200 else None,
                               what="the recognition award case")
            assert award["clause_id"] == "jgx2024-9.1.1"
            assert award["facts"] == {"year": 2026, "recognition_published": True, "recognition": "chain_leader",
                                      "entity_id": leader}
            assert len(enterprise.get("/applications").json()) == 1
            timeline = enterprise.get(f"/applications/APP-{candidacy}-RECOGNITION/timeline").json()
            assert [e["event_type"] for e in timeline] == ["intake.application.submitted"]
            assert "被认定为省级“链主”企业" in timeline[0]["summary"]

        with stack.client("intake", "auditor", "province.audit") as auditor:
            assert auditor.get(f"/applications/APP-{candidacy}-CULTIVATION").status_code == 404  # waits for the committee

        with stack.client("intake", "admin", "province.admin", subject="admin-1") as admin:
            refused = admin.post("/admin/zone-committees", json={"zone_id": "changzhi", "name": "长治市", "uscc": committee_uscc,
                                                                 "region": "140400"})
            assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "zone_id"
            registered = admin.post("/admin/zone-committees", json={
                "zone_id": "changzhi_high_tech_zone", "name": "长治高新技术产业开发区管理委员会", "uscc": committee_uscc,
                "region": "140400"})
            assert registered.status_code == 201, registered.text
            assert registered.json()["opened_claims"] == [f"APP-{candidacy}-CULTIVATION"]

        with stack.client("intake", "zone_committee", committee_uscc, region="140400") as zone:
            cultivation = zone.get(f"/applications/APP-{candidacy}-CULTIVATION").json()
        assert cultivation["clause_id"] == "jgx2024-9.4.1-leader"
        assert cultivation["applicant"]["kind"] == "zone_committee" and cultivation["applicant"]["uscc"] == committee_uscc
        assert cultivation["facts"]["project_id"] == leader and cultivation["facts"]["entity_id"] == committee_uscc


def test_a_chain_core_gets_only_its_recognition_award(settings, databases):
    core = make_uscc("140400")
    with Stack(settings, databases, services=("intake",)) as stack:
        subscribed(stack, "intake")
        envelope = published("chain_core", core, "changzhi_high_tech_zone")
        publish(stack, envelope)
        with stack.client("intake", "enterprise", core, region="140400") as enterprise:
            awards = eventually(lambda: enterprise.get("/applications").json(), what="the recognition award case")
        assert [(a["clause_id"], a["facts"]["recognition"]) for a in awards] == [("jgx2024-9.1.1", "chain_core")]
        with stack.client("intake", "admin", "province.admin") as admin:
            registered = admin.post("/admin/zone-committees", json={
                "zone_id": "changzhi_high_tech_zone", "name": "长治高新区管委会", "uscc": make_uscc("140400"), "region": "140400"})
        assert registered.json()["opened_claims"] == []
