"""The officials', chain office's and admin's portal in a real browser (Debian's chromium, Playwright) on the
processes `duixian up` starts. Two officials decide a case in order, each signing in through the provider's
form: the registration centre asks nothing it need not (its 补正 without items is refused beside the field)
and approves; the science bureau sees the centre's decision, the applicant's material and the calculator's
amount, and fixes it. The chain office opens a selection round; the admin previews a tier table, is told
what is wrong, and loads it. Screenshots at 1280 and 375 px; axe-core on the case page; no other host."""
from __future__ import annotations

import base64
import re

import pytest

from tests.support.browser import RequestLog, screenshots, serious_accessibility_violations
from tests.support.cases import tech_transfer_facts
from tests.support.portal import sign_in
from tests.support.processes import SystemUnderTest
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.4\n% officials e2e\n"
CENTER_OFFICER = "王明（市外国专家服务中心）"
SCIENCE_OFFICER = "李华（市科技局）"


def apply(system: SystemUnderTest) -> str:
    uscc = make_uscc()
    with system.client("intake", "enterprise", uscc, region="140400", subject=uscc) as intake:
        created = intake.post("/applications", json={
            "clause_id": "ckf2022-8.3", "facts": tech_transfer_facts(project_id="HT-2026-OFF"),
            "applicant": {"uscc": uscc, "name": "长治审核示例有限公司", "kind": "enterprise", "region": "140400"},
            "materials": [{"filename": "技术合同.pdf", "content_type": "application/pdf",
                           "content_base64": base64.b64encode(PDF).decode()}]})
    assert created.status_code == 201, created.text
    return created.json()["id"]


def open_from_inbox(page, case_id: str) -> None:  # type: ignore[no-untyped-def]
    """The case's task in 待办事项, once the workflow has opened it (events cross the broker and Temporal)."""
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="待办事项").click()

    def listed():  # type: ignore[no-untyped-def]
        page.reload()
        return page.locator("#tasks tr", has_text=case_id).count()
    eventually(listed, timeout=90, interval=1, what=f"the task of {case_id} in the inbox")
    screenshots(page, "officials-inbox")
    row = page.locator("#tasks tr", has_text=case_id)
    assert re.search(r"剩余 \d+ 个工作日", row.inner_text()), row.inner_text()
    row.get_by_role("link").click()
    page.wait_for_url("**/officials/tasks/TASK-*")


def test_two_officials_decide_a_case_in_order_in_the_browser(system, browser):
    case_id = apply(system)
    center = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900},
                                 bypass_csp=True)
    requests = RequestLog(center)
    page = center.new_page()
    sign_in(page, system, CENTER_OFFICER)
    open_from_inbox(page, case_id)
    screenshots(page, "officials-inbox-case")
    assert page.locator("#materials").get_by_role("link", name="技术合同.pdf").is_visible()
    with page.expect_download() as download:
        page.locator("#materials").get_by_role("link", name="技术合同.pdf").click()
    assert open(download.value.path(), "rb").read() == PDF

    page.get_by_role("radio", name="要求补正").check()
    page.get_by_label("意见或理由").fill("请补充材料")
    page.get_by_role("button", name="提交办理结果").click()
    assert page.locator("#missing_items-error").inner_text() == "要求补正时须列明所缺材料或事项（每行一项）"
    assert page.locator("#missing_items").get_attribute("aria-invalid") == "true"
    page.get_by_role("radio", name="通过", exact=True).check()
    page.get_by_label("意见或理由").fill("技术合同登记属实")
    page.get_by_role("button", name="提交办理结果").click()
    page.wait_for_url("**?done=decided")
    assert "技术合同登记属实" in page.locator("#decision").inner_text()
    assert serious_accessibility_violations(page) == []
    center.close()

    science = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    page = science.new_page()
    sign_in(page, system, SCIENCE_OFFICER)
    open_from_inbox(page, case_id)
    assert "技术合同登记属实" in page.locator("#earlier").inner_text(), "the centre's decision"
    assert page.locator("#preview-amount").inner_text() == "200,000.00元"
    assert "四眼原则" in page.locator("#four-eyes-rule").inner_text()
    screenshots(page, "officials-determination")
    page.get_by_role("radio", name="通过", exact=True).check()
    page.get_by_label("意见或理由").fill("核定无误")
    page.get_by_role("button", name="提交办理结果").click()
    page.wait_for_url("**?done=decided")
    assert page.locator("#decided-amount").inner_text() == "200,000.00元"
    screenshots(page, "officials-decided")
    science.close()
    assert requests.hosts() <= {f"127.0.0.1:{system.ports['portal']}", f"127.0.0.1:{system.ports['oidc']}"}, requests.urls


TABLE = ("table: 表1\ndocument_number: 晋工信新材料规字〔2024〕1号\nclause_number: 9.1.2\nsource_note: 浏览器测试转录（虚构数值）\n"
         "rows:\n  - {tier: 一档, min_yuan: '10000000000', amount_yuan: '1000000'}\n"
         "  - {tier: 二档, min_yuan: '5000000000', amount_yuan: '2000000'}\n")


def test_the_chain_office_opens_a_round_and_the_admin_loads_a_tier_table(system, browser, context):
    page = context.new_page()
    sign_in(page, system, "赵丽（省链长办）", next_path="/chain-office/rounds")
    page.get_by_label("遴选年度").fill("2026")
    page.get_by_label("遴选类别").select_option("chain_core")
    page.get_by_role("button", name="开启批次").click()
    assert page.locator("#chain_ids-error").inner_text() == "请至少选择一条产业链"
    page.locator("#chain_ids").get_by_role("checkbox").first.check()
    page.get_by_label("自荐开始日期").fill("2026-03-01")
    page.get_by_label("自荐截止日期").fill("2026-03-31")
    page.get_by_role("button", name="开启批次").click()
    page.wait_for_url("**/chain-office/rounds/*?done=opened")
    assert "遴选批次已开启" in page.locator("main").inner_text()
    screenshots(page, "chain-office-round")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="异议核实").click()
    assert page.locator("h1").inner_text() == "公示异议核实"

    page = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, system, "系统管理员", next_path="/admin/tier-tables")
    page.get_by_label(re.compile("YAML 文档")).fill(TABLE)
    page.get_by_role("button", name="预览").click()
    assert "各档门槛须严格递增" in page.locator("#form-errors").inner_text()
    page.get_by_label(re.compile("YAML 文档")).fill(TABLE.replace("'5000000000'", "'30000000000'"))
    page.get_by_role("button", name="预览").click()
    assert "二档" in page.locator("#preview").inner_text()
    screenshots(page, "admin-tier-table-preview")
    page.get_by_role("button", name="载入").click()
    assert page.locator("#loaded-ok").is_visible()
    assert "浏览器测试转录" in page.locator("#loaded").inner_text()
    screenshots(page, "admin-tier-tables")


def test_the_admin_adds_an_expert_to_the_directory_and_the_change_is_audited(system, context):
    page = context.new_page()
    sign_in(page, system, "系统管理员", next_path="/admin/directory")
    page.get_by_label(re.compile("^登录标识")).fill("exp-browser-1")
    page.get_by_label(re.compile("^姓名或单位名称")).fill("刘专家")
    page.get_by_label(re.compile("^角色")).select_option("expert")
    page.get_by_label(re.compile("^所属单位标识")).fill("exp-browser-1")
    page.get_by_label(re.compile("^行政区划代码")).fill("1404")
    page.get_by_role("button", name="保存").click()
    assert page.locator("#region-error").inner_text().startswith("行政区划代码为6位数字")
    page.get_by_label(re.compile("^行政区划代码")).fill("")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/admin/directory?done=saved")
    assert "刘专家" in page.locator("#entries").inner_text()
    assert "新增：exp-browser-1" in page.locator("#history").inner_text()
    screenshots(page, "admin-directory")


def test_the_inbox_the_chain_offices_and_the_admins_pages_have_no_serious_accessibility_violation(system, browser):
    case_id = apply(system)  # a task in the centre's inbox, so the tables are drawn
    context = browser.new_context(locale="zh-CN", bypass_csp=True)  # axe is injected as a script
    try:
        page = context.new_page()
        sign_in(page, system, CENTER_OFFICER, next_path="/officials/tasks")
        eventually(lambda: page.reload() or page.locator("#tasks tr", has_text=case_id).count(), timeout=90, interval=1,
                   what="the task in the inbox")
        check_pages(page, system, ["/officials/tasks", "/officials/tasks?status=decided&overdue=true"])
        sign_out(page, system)
        sign_in(page, system, "赵丽（省链长办）", next_path="/chain-office/rounds")
        check_pages(page, system, ["/officials/tasks", "/chain-office/objections", "/chain-office/rounds"])
        page.get_by_role("button", name="开启批次").click()  # the form with its errors beside the fields
        assert serious_accessibility_violations(page) == []
        sign_out(page, system)
        sign_in(page, system, "系统管理员", next_path="/admin/directory")
        check_pages(page, system, ["/admin/expert-pools", "/admin/calendar-schedules", "/admin/tier-tables", "/admin/directory"])
        page.get_by_role("button", name="保存").click()  # the directory's form with its errors
        assert serious_accessibility_violations(page) == []
        screenshots(page, "admin-directory-errors")
    finally:
        context.close()


def check_pages(page, system: SystemUnderTest, paths: list[str]) -> None:  # type: ignore[no-untyped-def]
    for path in paths:
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(system.url("portal") + path)
            assert serious_accessibility_violations(page) == [], (path, width)


def sign_out(page, system: SystemUnderTest) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="退出").click()
    page.get_by_role("button", name="确认退出").click()  # on the provider's page
    page.wait_for_url(system.url("portal") + "/signed-out")
