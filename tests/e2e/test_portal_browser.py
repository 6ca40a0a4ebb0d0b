"""The portal in a real browser (Debian's chromium, Playwright) on the real processes started by
`duixian up`: sign-in through the provider's form, sessions and CSRF, and the public 公示 pages
with the objection form — by mouse and by keyboard, at desktop and phone width, checked by axe-core."""
from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest

from tests.support.browser import RequestLog, screenshots, serious_accessibility_violations
from tests.support.portal import age_session, open_publicity, sign_in

pytestmark = pytest.mark.e2e
ENTERPRISE = "长治示例科技有限公司"
OFFICIAL = "王明（市外国专家服务中心）"
COOKIE = "duixian_session"


def session_cookie(context) -> dict | None:  # type: ignore[no-untyped-def]
    return next((c for c in context.cookies() if c["name"] == COOKIE), None)


def test_enterprise_signs_in_through_the_providers_form_and_sees_its_home_with_its_applications(system, context):
    page = context.new_page()
    sign_in(page, system, ENTERPRISE)
    assert page.url == system.url("portal") + "/"
    assert page.locator("h1").inner_text() == "企业办事"
    # The count comes from intake, called with the portal's RS256 token and verified against its JWKS.
    assert page.locator(".card", has_text="我的申请").locator(".number").inner_text() == "0"
    assert "暂时无法获取" not in page.content()
    screenshots(page, "home-enterprise")


def test_an_official_signs_in_and_sees_the_officials_home_with_open_tasks(system, context):
    page = context.new_page()
    sign_in(page, system, OFFICIAL, next_path="/account")
    assert page.url == system.url("portal") + "/account"
    assert "140400.city_foreign_expert_center" in page.locator("main").inner_text()
    page.get_by_role("link", name="首页").click()
    assert page.locator("h1").inner_text() == "审核办理"
    assert page.locator(".card", has_text="待办事项").locator(".number").inner_text().isdigit()


def test_session_cookie_is_httponly_lax_and_changes_at_sign_in_and_sign_out_ends_it_here_and_at_the_provider(system, context):
    page = context.new_page()
    page.goto(system.url("portal") + "/public/publicities")
    page.goto(system.url("portal") + "/login?next=/account")  # the sign-in state lives in a session already
    before = session_cookie(context)
    assert before is not None and before["httpOnly"] and before["sameSite"] == "Lax"
    page.get_by_role("button", name=ENTERPRISE).click()
    page.wait_for_url(system.url("portal") + "/account")
    after = session_cookie(context)
    assert after["value"] != before["value"], "a new session id after sign-in"
    assert after["httpOnly"] and after["sameSite"] == "Lax" and after["expires"] == -1

    page.get_by_role("button", name="退出").click()
    page.wait_for_url(system.url("oidc") + "/oauth2/end_session**")  # the provider ends its side too
    page.get_by_role("button", name="确认退出").click()
    page.wait_for_url(system.url("portal") + "/signed-out")
    assert "您已安全退出" in page.content()
    assert session_cookie(context) is None
    page.goto(system.url("portal") + "/account")
    assert page.url.startswith(system.url("portal") + "/signin?next=%2Faccount")
    replayed = httpx.get(system.url("portal") + "/account", cookies={COOKIE: after["value"]}, follow_redirects=False, timeout=30)
    assert replayed.status_code == 303 and replayed.headers["location"].startswith("/signin"), "the old id is dead"


def test_an_idle_session_expires_after_thirty_minutes_and_asks_to_sign_in_again(system, context):
    page = context.new_page()
    sign_in(page, system, ENTERPRISE, next_path="/account")
    age_session(system.data_dir, session_cookie(context)["value"], dt.timedelta(minutes=29))
    page.goto(system.url("portal") + "/account")
    assert page.url == system.url("portal") + "/account", "29 minutes idle: still signed in"
    age_session(system.data_dir, session_cookie(context)["value"], dt.timedelta(minutes=31))
    page.goto(system.url("portal") + "/account")
    assert page.url.startswith(system.url("portal") + "/signin") and "expired=1" in page.url
    assert "会话已超时" in page.locator("main").inner_text()


def test_next_to_another_host_is_ignored_after_sign_in(system, context):
    page = context.new_page()
    for target in ("https://evil.example/steal", "//evil.example/steal"):
        page.goto(system.url("portal") + f"/login?next={target}")
        page.get_by_role("button", name=ENTERPRISE).click()
        page.wait_for_url(system.url("portal") + "/**")
        assert page.url == system.url("portal") + "/", target


def test_a_forged_post_without_the_csrf_token_is_refused_with_a_chinese_page(system, context):
    page = context.new_page()
    sign_in(page, system, ENTERPRISE)
    # Same browser, same session cookie, but no token: refused, and still signed in.
    forged = page.request.post(system.url("portal") + "/logout", form={"x": "1"})
    assert forged.status == 403 and "请求已被拒绝" in forged.text()
    wrong = page.request.post(system.url("portal") + "/logout", form={"csrf_token": "guessed"})
    assert wrong.status == 403
    page.goto(system.url("portal") + "/account")
    assert page.url == system.url("portal") + "/account"


def test_a_visitor_lodges_an_objection_without_signing_in_and_gets_a_receipt(system, context):
    publicity = open_publicity(system)
    requests = RequestLog(context)
    page = context.new_page()
    page.goto(system.url("portal") + "/public/publicities")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.get_by_role("link", name=re.compile("链主企业遴选名单公示")).first.click()
    page.goto(system.url("portal") + f"/public/publicities/{publicity['round_id']}")
    assert "公示中" in page.locator(".facts").inner_text()
    assert re.search(r"剩余\s*\d+ 个工作日", page.locator(".facts").inner_text())
    screenshots(page, "publicity")

    page.get_by_role("button", name="提交异议").click()  # empty: errors beside the fields
    assert page.locator("#objector_name-error").inner_text() == "请填写异议人姓名或单位名称"
    assert page.locator("#contact_phone-error").is_visible() and page.locator("#reason-error").is_visible()
    assert page.locator("#objector_name").get_attribute("aria-invalid") == "true"
    screenshots(page, "objection-errors")

    enterprise = publicity["entries"][0]["enterprise_name"]
    page.get_by_label("被异议企业").select_option(f"{enterprise}（{publicity['entries'][0]['chain_name']}）")
    page.get_by_label("异议人姓名或单位名称").fill("张三")
    page.get_by_label("联系电话").fill("13800000000")
    page.get_by_label("异议事实与理由").fill("该企业上一年度主营业务收入数据不实。")
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_url("**/receipt")
    receipt = page.locator("#receipt-number").inner_text()
    assert re.fullmatch(r"YY\d{8}[0-9A-F]{8}", receipt)
    text = page.locator("main").inner_text()
    assert enterprise in text and "张三" not in text and "13800000000" not in text, "no objector data shown"
    screenshots(page, "objection-receipt")
    assert requests.hosts() == {f"127.0.0.1:{system.ports['portal']}"}, requests.urls


def test_the_objection_form_works_with_the_keyboard_alone(system, context):
    publicity = open_publicity(system, enterprises=1)
    page = context.new_page()
    page.goto(system.url("portal") + f"/public/publicities/{publicity['round_id']}")
    page.locator("#candidacy_id").focus()
    page.keyboard.press("ArrowDown")  # the first enterprise of the list
    for text in ("李四", "0355-1234567", "", "申报材料与实际情况不符。"):
        page.keyboard.press("Tab")
        if text:
            page.keyboard.type(text)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "提交异议"
    page.keyboard.press("Enter")
    page.wait_for_url("**/receipt")
    assert page.locator("#receipt-number").inner_text().startswith("YY")


def test_after_the_period_the_page_and_a_late_objection_are_refused_naming_the_end(system, context):
    ended = open_publicity(system, starts_on=dt.date(2025, 9, 26), enterprises=1)  # 7 working days: to 2025-10-13
    page = context.new_page()
    page.goto(system.url("portal") + f"/public/publicities/{ended['round_id']}")
    notice = page.locator(".objection").inner_text()
    assert "公示期已于北京时间 2025-10-14 00:00 结束，不再受理异议" in notice
    assert page.locator("form.form").count() == 0
    # A form kept open from before the end still reaches review, which refuses naming the end.
    page.goto(system.url("portal") + f"/public/publicities/{open_publicity(system, enterprises=1)['round_id']}")
    token = page.locator("input[name=csrf_token]").get_attribute("value")
    late = page.request.post(system.url("portal") + f"/public/publicities/{ended['round_id']}/objections", form={
        "csrf_token": token, "candidacy_id": ended["entries"][0]["candidacy_id"], "objector_name": "王五",
        "contact_phone": "13900000000", "reason": "逾期异议", "submission_id": "late-1"})
    assert late.status == 409
    assert "公示期已于 2025-10-14 00:00（北京时间）结束，不再受理异议" in late.text()


def test_public_pages_and_the_sign_in_landing_have_no_serious_accessibility_violation(system, browser):
    publicity = open_publicity(system, enterprises=1)
    context = browser.new_context(locale="zh-CN", bypass_csp=True)  # axe is injected as a script
    try:
        page = context.new_page()
        for path in ("/", "/public/publicities", f"/public/publicities/{publicity['round_id']}", "/signin?next=/account"):
            for width in (1280, 375):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(system.url("portal") + path)
                assert serious_accessibility_violations(page) == [], (path, width)
        page.goto(system.url("portal") + f"/public/publicities/{publicity['round_id']}")
        page.get_by_role("button", name="提交异议").click()  # with the errors shown
        assert serious_accessibility_violations(page) == []
    finally:
        context.close()


def test_public_html_names_no_external_host_and_carries_the_security_headers(system):
    publicity = open_publicity(system, enterprises=1)
    for path in ("/public/publicities", f"/public/publicities/{publicity['round_id']}"):
        answer = httpx.get(system.url("portal") + path, timeout=30)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
        assert '<html lang="zh-CN">' in answer.text
        assert re.findall(r"(?:https?:)?//[^\s\"'<>]+", answer.text) == [], "no absolute URL in the page"
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
