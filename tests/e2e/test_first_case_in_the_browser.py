"""The README's first case, entirely in a real browser (Debian's chromium, Playwright) on the processes
`duixian up` starts, as a newcomer does it after `make up`: no call to a service's API from the test.

长治示例科技有限公司 (USCC 91140400MA0GRAND6J) applies for 长科发〔2022〕5号 第8.3条 with the README's facts;
王明 (the registration centre) and then 李华 (the city science bureau) decide in 待办事项, the last one's 核定
showing 200,000.00元 with its citation and the cap that bound it (5% × 500万 = 25万, capped at 20万); 张敏
prepares the payout stage, 李强 approves it and downloads the bank batch, 张敏 records the bank's payment,
and the enterprise sees the stage paid under 我的申报. One browser: each person signs out (退出) before the next
signs in (登录) through the provider's form.
Screenshots at 1280 and 375 px in test-artifacts/; no page loads anything from another host."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from tests.support.browser import RequestLog, navigate, reloaded_until, screenshots

pytestmark = pytest.mark.e2e
ENTERPRISE = "长治示例科技有限公司"
USCC = "91140400MA0GRAND6J"
CENTER_OFFICER = "王明（市外国专家服务中心）"
SCIENCE_OFFICER = "李华（市科技局）"
PREPARER = "张敏（市财政局，编制）"
APPROVER = "李强（市财政局，审批）"
CONDITIONS = ("output_party_in_changzhi", "platform_registered", "contract_registered_and_recognized",
              "converted_with_results", "financial_management_sound", "ownership_clear")


def sign_in_as(page, system, demo_name: str) -> None:  # type: ignore[no-untyped-def]
    """As the README says: 退出 and 确认退出 (when someone is signed in), then 登录 and the demo user's button."""
    if page.url.startswith(system.url("portal")) and page.get_by_role("button", name="退出").count():
        page.get_by_role("button", name="退出").click()
        page.wait_for_url(system.url("oidc") + "/oauth2/end_session**")  # the provider ends its side too
        page.get_by_role("button", name="确认退出").click()
        page.wait_for_url(system.url("portal") + "/signed-out")
        assert page.locator("h1").inner_text() == "您已安全退出"
    else:
        page.goto(system.url("portal"))
    page.get_by_role("link", name="登录", exact=True).click()
    page.wait_for_url(system.url("oidc") + "/oauth2/authorize**")
    page.get_by_role("button", name=demo_name).click()
    page.wait_for_url(system.url("portal") + "/**")
    assert demo_name.split("（")[0] in page.locator("header").inner_text(), "signed in as the one picked"


def the_enterprise_applies(page, system) -> str:  # type: ignore[no-untyped-def]
    sign_in_as(page, system, ENTERPRISE)
    navigate(page, "政策目录")
    page.get_by_role("link", name="第8.3条 市级科技成果转化补助").click()
    page.get_by_role("link", name="在线申报").click()
    page.get_by_label("申报（核定）年度").fill("2026")
    page.get_by_label("科技成果（技术合同）编号").fill("HT-2026-001")
    page.get_by_label(re.compile("^技术合同成交实际到账技术交易额")).fill("5000000")
    for condition in CONDITIONS:
        page.locator(f"#{condition}").check()
    page.get_by_role("button", name="试算").click()
    assert page.locator("#preview-amount").inner_text() == "200,000.00元"
    screenshots(page, "first-case-apply")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/enterprise/applications/APP-*")
    assert "申请已提交" in page.locator("main").inner_text()
    return page.url.rsplit("/", 1)[-1].split("?")[0]


def an_official_approves(page, system, official: str, case_id: str, screenshot: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_as(page, system, official)
    navigate(page, "待办事项")
    reloaded_until(page, lambda: page.locator("#tasks tr", has_text=case_id).count(), what=f"{official}'s task of {case_id}")
    page.locator("#tasks tr", has_text=case_id).get_by_role("link").click()
    page.wait_for_url("**/officials/tasks/TASK-*")
    assert "HT-2026-001" in page.locator("#facts").inner_text()
    page.get_by_role("radio", name="通过", exact=True).check()
    page.get_by_label("意见或理由").fill("材料齐全，符合条件")
    page.get_by_role("button", name="提交办理结果").click()
    page.wait_for_url("**?done=decided")
    assert "材料齐全，符合条件" in page.locator("#decision").inner_text()
    screenshots(page, screenshot)


def open_stage(page, case_id: str, tab: str) -> str:  # type: ignore[no-untyped-def]
    """From 拨付分期's tab to the case's stage; the stage's id, read from the page's address."""
    navigate(page, "拨付分期")
    page.get_by_role("navigation", name="按状态").get_by_role("link", name=tab).click()
    reloaded_until(page, lambda: page.get_by_role("link", name=f"{case_id} 第1期").count(), what=f"{case_id}'s stage {tab}")
    page.get_by_role("link", name=f"{case_id} 第1期").click()
    page.wait_for_url("**/finance/stages/*")
    return page.url.rsplit("/", 1)[-1].split("?")[0]


def test_a_newcomer_walks_the_readme_first_case_from_application_to_payment_in_the_browser(system, browser):
    """One browser, as a newcomer on one machine: each person signs out (退出) before the next signs in (登录)."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    requests = RequestLog(context)
    try:
        page = context.new_page()
        case_id = the_enterprise_applies(page, system)
        navigate(page, "我的申报")
        waiting = page.locator("table.cases tr", has_text=case_id)
        reloaded_until(page, lambda: "引进国外智力" in waiting.inner_text(), what="the registration centre on 我的申报")
        assert re.search(r"剩余 \d+ 个工作日", waiting.inner_text()), waiting.inner_text()

        an_official_approves(page, system, CENTER_OFFICER, case_id, "first-case-center-decided")
        an_official_approves(page, system, SCIENCE_OFFICER, case_id, "first-case-determined")
        assert page.locator("#decided-amount").inner_text() == "200,000.00元"  # 5% × 5,000,000 = 250,000, capped
        fixed = page.locator("section.determination", has=page.locator("#decided-amount")).inner_text()
        assert "长科发〔2022〕5号 第8.3条" in fixed, fixed
        assert page.locator("#decided-cap").inner_text() == "已按“单个科技成果最高补助20万元”封顶"

        sign_in_as(page, system, PREPARER)
        stage_id = open_stage(page, case_id, "待编制")
        assert ENTERPRISE in page.locator("main").inner_text()
        page.get_by_role("button", name="编制").click()
        page.wait_for_url("**?done=prepare")
        assert page.locator("#stage-status").inner_text() == "已编制，待审批"

        sign_in_as(page, system, APPROVER)
        assert open_stage(page, case_id, "待审批") == stage_id
        page.get_by_role("button", name="审批通过").click()
        page.wait_for_url("**?done=approve")
        assert page.locator("#stage-status").inner_text() == "已审批，待拨付"
        screenshots(page, "first-case-approved")
        navigate(page, "拨付分期")
        with page.expect_download() as download:
            page.get_by_role("link", name="下载 Excel（XLSX）").click()
        rows = list(load_workbook(io.BytesIO(download.value.path().read_bytes())).active.iter_rows(values_only=True))
        assert [r[1] for r in rows[1:-1]] == [stage_id] and rows[-1][0] == "合计", rows
        assert USCC in rows[1], rows[1]

        sign_in_as(page, system, PREPARER)
        assert open_stage(page, case_id, "待拨付") == stage_id
        page.get_by_label("银行流水号").fill("ICBC-20260302-0001")  # 拨付日期: today, as the form proposes
        page.get_by_role("button", name="登记拨付").click()
        page.wait_for_url("**?done=disburse")
        assert page.locator("#stage-status").inner_text() == "已拨付"
        assert page.locator("#bank-reference").inner_text() == "ICBC-20260302-0001"
        screenshots(page, "first-case-disbursed")

        sign_in_as(page, system, ENTERPRISE)
        navigate(page, "我的申报")
        row = page.locator("table.cases tr", has_text=case_id)
        reloaded_until(page, lambda: row.locator(".status").inner_text() == "已全部拨付", what="已全部拨付 on 我的申报")
        screenshots(page, "first-case-my-applications")
        row.get_by_role("link").click()
        page.wait_for_url(f"**/enterprise/applications/{case_id}")
        assert page.locator("#determination-1-amount").inner_text() == "200,000.00元"
        assert "单个科技成果最高补助20万元" in page.locator("#determination-1-cap").inner_text()
        assert "已拨付" in page.locator(".stages").inner_text()
        assert page.locator("#paid-total").inner_text() == "200,000.00元"
        screenshots(page, "first-case-paid")
        assert requests.hosts() <= {f"127.0.0.1:{system.ports['portal']}", f"127.0.0.1:{system.ports['oidc']}"}, requests.urls
    finally:
        context.close()
