"""Driving the portal in tests: signing in through the provider's real form, a round on public
notice (opened on review's internal route as the workflow does), and ageing a session."""
from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from pathlib import Path

from infra.clock import beijing_today
from services.portal.adapters.sessions import id_hash_of
from tests.support.processes import SystemUnderTest
from tests.support.tokens import make_uscc


def sign_in(page, system: SystemUnderTest, demo_name: str, next_path: str = "/") -> None:  # type: ignore[no-untyped-def]
    """From the portal's sign-in link through the provider's form (a demo user's button) back to the portal."""
    page.goto(system.url("portal") + f"/signin?next={next_path}")
    page.get_by_role("link", name="通过统一身份认证登录").click()
    page.wait_for_url(system.url("oidc") + "/oauth2/authorize**")
    page.get_by_role("button", name=demo_name).click()
    page.wait_for_url(system.url("portal") + "/**")


def open_publicity(system: SystemUnderTest, *, starts_on: dt.date | None = None, enterprises: int = 2) -> dict:
    """A selection round's list on public notice for 7 working days from `starts_on` (default today, Beijing)."""
    round_id = f"SEL-P-{uuid.uuid4().hex[:10].upper()}"
    entries = [{"candidacy_id": f"CAND-P-{uuid.uuid4().hex[:8].upper()}", "kind": "chain_leader", "chain_id": "cz_photovoltaic",
                "enterprise": {"uscc": make_uscc(), "name": f"长治公示示例{i + 1}号有限公司", "kind": "enterprise", "region": "140400"}}
               for i in range(enterprises)]
    starts_on = starts_on or beijing_today()
    with system.client("review", "workflow", "duixian", subject="duixian-worker") as workflow:
        opened = workflow.post("/internal/selection/publicities", headers={"Idempotency-Key": round_id}, json={
            "round_id": round_id, "year": starts_on.year, "working_days": 7, "starts_on": starts_on.isoformat(),
            "entries": entries})
    assert opened.status_code == 201, opened.text
    return opened.json()


def age_session(data_dir: Path, session_id: str, idle: dt.timedelta) -> None:
    """Make the portal's session look idle for `idle` (what its expiry check sees after that time)."""
    seen = (dt.datetime.now(dt.UTC) - idle).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(data_dir / "portal.db") as conn:
        changed = conn.execute("UPDATE portal_session SET last_seen_at = ? WHERE id_hash = ?", (seen, id_hash_of(session_id))).rowcount
    assert changed == 1, "no such session"
