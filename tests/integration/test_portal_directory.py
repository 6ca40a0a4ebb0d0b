"""The portal's directory lives in its database: the YAML is the initial load, admins add, change and remove
entries on /admin/directory (reasons beside the fields, nothing changed on a refusal), a change takes effect at
the person's next request, and every change is on the portal's keyed audit chain, which verifies."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import update

from infra import audit, migrations
from infra.settings import Settings
from services.portal.adapters.sessions import Session
from services.portal.entrypoints.app import build_runtime, create_app
from services.portal.entrypoints.security import CSRF_KEY
from services.portal.service_layer.signin import USER
from tests.support.audit import chain, verify, with_database_rights
from tests.support.servers import ServiceServer

pytestmark = pytest.mark.integration
CSRF = "csrf-directory"


def text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def portal(tmp_path, databases):  # type: ignore[no-untyped-def]
    runtime = build_runtime(Settings(environment="test", data_dir=tmp_path), databases.open("portal"))
    migrations.upgrade(runtime)
    server = ServiceServer(create_app(runtime)).start()
    yield server, runtime
    server.stop()


def browser(server, subject: str):  # type: ignore[no-untyped-def]
    import httpx

    state = server.server.config.app.state.portal
    session_id = state.store.save(Session(None, {CSRF_KEY: CSRF, USER: subject}), changed=True)
    return httpx.Client(base_url=server.url, cookies={"duixian_session": session_id}, timeout=30)


def test_admins_manage_the_directory_with_an_audit_chain_and_changes_take_effect_at_once(portal, databases):
    server, runtime = portal
    with browser(server, "admin-1") as admin, browser(server, "science-officer-2") as officer:
        listed = text(admin.get("/admin/directory").text)
        assert "周静（市科技局）" in listed and "初始载入" in listed, "the YAML's entries, loaded once with their records"
        assert "zhang（张敏（市财政局，编制），市财政局，" in listed and "，city_finance_bureau，" not in listed, "roles by label"
        assert "· 系统（初始载入） ·" in listed and "· system ·" not in listed
        assert officer.get("/account").status_code == 200

        bad = admin.post("/admin/directory", data={"csrf_token": CSRF, "subject": "expert-7", "name": "王专家", "role": "expert",
                                                   "organisation": "expert-7", "region": "1404"})
        assert bad.status_code == 422 and "行政区划代码为6位数字" in text(bad.text)
        assert "expert-7" not in text(admin.get("/admin/directory").text), "nothing saved on a refusal"
        enterprise = admin.post("/admin/directory", data={"csrf_token": CSRF, "subject": "not-a-uscc", "name": "某公司",
                                                          "role": "enterprise", "organisation": "not-a-uscc"})
        assert enterprise.status_code == 422 and "统一社会信用代码" in text(enterprise.text)

        added = admin.post("/admin/directory", data={"csrf_token": CSRF, "subject": "expert-7", "name": "王专家",
                                                     "role": "expert", "organisation": "expert-7",
                                                     "chains": ["cz_photovoltaic"]}, follow_redirects=True)
        assert added.status_code == 200 and "已保存" in text(added.text) and "王专家" in text(added.text)
        assert runtime_entry(server, "expert-7").chains == ("cz_photovoltaic",)

        moved = admin.post("/admin/directory", data={"csrf_token": CSRF, "subject": "science-officer-2", "name": "周静（市科技局）",
                                                     "role": "city_finance_bureau", "organisation": "140400.city_finance_bureau",
                                                     "region": "140400", "editing": "true"}, follow_redirects=True)
        assert moved.status_code == 200
        assert "周静（市科技局） （市财政局）" in text(officer.get("/account").text), "the next request acts as the new entry"

        assert admin.post("/admin/directory/admin-1/removal", data={"csrf_token": CSRF}).status_code == 409
        removed = admin.post("/admin/directory/science-officer-2/removal", data={"csrf_token": CSRF}, follow_redirects=True)
        assert removed.status_code == 200 and "已删除" in text(removed.text)
        assert officer.get("/account", follow_redirects=False).status_code == 303, "no longer signed in"
        history = text(admin.get("/admin/directory").text)
        assert "删除：science-officer-2" in history and "修改：science-officer-2" in history and "新增：expert-7" in history
        assert "· 系统管理员 ·" in history, "who changed it, by name"

    with runtime.db.engine.connect() as conn:
        report = audit.verify(conn, runtime.tables, audit.AuditKeys.from_settings(runtime.settings))
    assert report.intact, report
    with browser(server, "center-officer-1") as official:
        assert official.get("/admin/directory").status_code == 403

    checked = verify(databases, "portal")
    assert checked.returncode == 0 and "portal: 完整" in checked.stdout, checked
    records = chain(runtime)
    forged = next(r for r in records if r["action"] == "directory.change")
    with with_database_rights(runtime) as conn:  # someone with database rights quietly undoes the change's record
        log = runtime.tables.audit_log
        conn.execute(update(log).where(log.c.seq == forged["seq"]).values(after=forged["before"]))
    tampered = verify(databases, "portal")
    assert tampered.returncode == 1 and f"portal: 审计链断裂 — 第一条异常记录 seq={forged['seq']}" in tampered.stderr, tampered


def runtime_entry(server, subject: str):  # type: ignore[no-untyped-def]
    return server.server.config.app.state.portal.directory.find(subject)
