"""The enterprise's portal in a real browser (Debian's chromium, Playwright) on the processes `duixian up`
starts: the enterprise signs in through the provider's form, applies, answers a 补正 and sees its payment,
all in the browser, while the departments' decisions and the finance bureau's payment go through the
services' APIs with tokens (their pages are other work). Screenshots at 1280 and 375 px; axe-core on
every enterprise page and the public calculator; nothing loaded from another host."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.support.browser import RequestLog, navigate, reloaded_until, screenshots, serious_accessibility_violations
from tests.support.cases import CENTER, SCIENCE, open_tasks_for
from tests.support.finance import pay_open_stages
from tests.support.portal import sign_in
from tests.support.processes import SystemUnderTest
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
ENTERPRISE = "长治示例科技有限公司"
USCC = "91140400MA0GRAND6J"
PDF = b"%PDF-1.4\n% duixian e2e\n"


def applications(system: SystemUnderTest) -> list[dict]:
    with system.client("intake", "enterprise", USCC, region="140400", subject=USCC) as intake:
        return intake.get("/applications").json()


def decide(system: SystemUnderTest, case_id: str, organisation: str, subject: str, body: dict) -> None:
    """A department's decision on the case's open task, over review's API (the officials' pages are other work)."""
    with system.client("review", "competent_department", organisation, region="140400", subject=subject) as officer:
        task = eventually(lambda: open_tasks_for(officer, case_id), timeout=90, what=f"{organisation}'s task")[0]
        decided = officer.post(f"/tasks/{task['id']}/decision", json=body)
    assert decided.status_code == 201, decided.text


def fill_tech_transfer(page, receipts: str = "5,000,000") -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("申报（核定）年度").fill("2026")
    page.get_by_label("科技成果（技术合同）编号").fill("HT-2026-E2E")
    page.get_by_label(re.compile("^技术合同成交实际到账技术交易额")).fill(receipts)
    for name in ("output_party_in_changzhi", "platform_registered", "contract_registered_and_recognized",
                 "converted_with_results", "financial_management_sound", "ownership_clear"):
        page.locator(f"#{name}").check()


def test_an_enterprise_applies_answers_the_supplement_and_sees_its_payment_in_the_browser(system, context):
    requests = RequestLog(context)
    page = context.new_page()
    sign_in(page, system, ENTERPRISE)
    before = len(applications(system))

    navigate(page, "政策目录")
    screenshots(page, "enterprise-policies")
    page.get_by_role("link", name="第8.3条 市级科技成果转化补助").click()
    assert "给予技术输出方5%的补助,单个科技成果最高补助20万元。" in page.locator(".original-text").inner_text()
    page.get_by_role("link", name="在线申报").click()

    fill_tech_transfer(page, receipts="五百万")
    page.get_by_role("button", name="试算").click()
    assert page.locator("#receipts_yuan-error").inner_text().startswith("请填写数字")  # beside the field
    assert page.locator("#receipts_yuan").get_attribute("aria-invalid") == "true"
    page.get_by_label(re.compile("^技术合同成交实际到账技术交易额")).fill("5,000,000")
    page.locator("#materials").set_input_files([{"name": "技术合同.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="试算").click()
    assert page.locator("#preview-amount").inner_text() == "200,000.00元"
    assert "已按“单个科技成果最高补助20万元”封顶" in page.locator("#preview-cap").inner_text()
    assert page.locator(".kept-files").get_by_text("技术合同.pdf").is_visible(), "the file stays with the draft"
    screenshots(page, "enterprise-apply-preview")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/enterprise/applications/APP-*")
    assert "申请已提交" in page.locator("main").inner_text()
    case_id = page.url.rsplit("/", 1)[-1].split("?")[0]
    assert len(applications(system)) == before + 1

    # The registration centre's step: the page names the department and its working days left.
    navigate(page, "我的申报")
    row = reloaded_until(page, lambda: r if "引进国外智力" in (r := page.locator("tr", has_text=case_id).inner_text()) else None,
                         what="the department on 我的申报", timeout=90)
    assert re.search(r"长治市引进国外智力（专家）服务中心：剩余 \d+ 个工作日", row), row
    screenshots(page, "enterprise-applications")

    decide(system, case_id, CENTER, "center-officer-1", {"decision": "supplement", "reason": "技术合同登记材料不全",
                                                         "missing_items": ["技术合同登记证明"]})
    page.goto(system.url("portal") + f"/enterprise/applications/{case_id}")
    reloaded_until(page, lambda: page.locator("#missing-items").count(), what="the 补正 request", timeout=90)
    assert page.locator("#status").inner_text() == "待补正"
    assert page.locator("#missing-items").inner_text() == "技术合同登记证明"
    screenshots(page, "enterprise-supplement")
    page.get_by_role("button", name="提交补正").click()  # without a note: the reason beside the field
    assert page.locator("#note-error").inner_text() == "请写明补正情况（所补材料、更正事项）"
    page.get_by_label("补正说明").fill("补交技术合同登记证明")
    page.locator("#materials").set_input_files([{"name": "登记证明.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="提交补正").click()
    page.wait_for_url("**?done=answered")
    assert "补正材料已提交" in page.locator("main").inner_text()

    decide(system, case_id, CENTER, "center-officer-1", {"decision": "approve", "reason": "材料齐全"})
    decide(system, case_id, SCIENCE, "science-officer-1", {"decision": "approve", "reason": "符合条件"})
    pay_open_stages(system, case_id)  # finance: one prepares, another approves, the bank's payment recorded

    reloaded_until(page, lambda: page.locator("#status").inner_text() == "已全部拨付", what="the payment on the application", timeout=90)
    assert page.locator("#determination-1-amount").inner_text() == "200,000.00元"
    assert "单个科技成果最高补助20万元" in page.locator("#determination-1-cap").inner_text()
    assert page.locator("#paid-total").inner_text() == "200,000.00元"
    assert "已拨付" in page.locator(".stages").inner_text()
    history = page.locator(".timeline").inner_text()
    assert "提交补正材料：补交技术合同登记证明" in history and "长治市科技局" in history
    assert "140400." not in history, "departments by their names, not their ids"
    screenshots(page, "enterprise-paid")
    assert requests.hosts() <= {f"127.0.0.1:{system.ports['portal']}", f"127.0.0.1:{system.ports['oidc']}"}, requests.urls


def test_a_double_click_on_submit_sends_one_application(system, context):
    page = context.new_page()
    sign_in(page, system, ENTERPRISE, next_path="/enterprise/applications/new?clause_id=ckf2022-8.3")
    fill_tech_transfer(page)
    before = len(applications(system))
    page.get_by_role("button", name="提交申请").dblclick()
    page.wait_for_url("**/enterprise/applications/APP-*")
    assert len(eventually(lambda: applications(system), what="the application")) == before + 1
    page.wait_for_timeout(500)  # a second request, had one been sent, would have arrived by now
    assert len(applications(system)) == before + 1


def test_the_public_calculator_works_without_javascript(system, browser):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(system.url("portal") + "/calculator")
        page.get_by_role("link", name="第8.3条 市级科技成果转化补助").click()
        fill_tech_transfer(page, receipts="1,000,000")
        page.get_by_role("button", name="计算").click()
        assert page.locator("#result-amount").inner_text() == "50,000.00元"  # 5% of 100万, below the cap
        assert page.locator("#result-cap").inner_text() == "未触及上限"
        screenshots(page, "calculator-result")
    finally:
        context.close()


def test_the_enterprise_pages_and_the_public_calculator_have_no_serious_accessibility_violation(system, browser):
    context = browser.new_context(locale="zh-CN", bypass_csp=True)  # axe is injected as a script
    try:
        page = context.new_page()
        for path in ("/policies", "/policies/ckf2022-8.3", "/calculator", "/calculator/ckf2022-8.3"):
            check_page(page, system, path)
        page.get_by_role("button", name="计算").click()  # with the errors beside the fields
        assert serious_accessibility_violations(page) == []
        sign_in(page, system, ENTERPRISE, next_path="/enterprise/applications")
        case_id = applications(system)[0]["id"] if applications(system) else None
        paths = ["/enterprise/applications", "/enterprise/applications/new?clause_id=jgx2024-9.3.1",
                 "/enterprise/applications/new?clause_id=ckf2022-8.3", "/enterprise/selection", "/enterprise/referrals"]
        for path in paths + ([f"/enterprise/applications/{case_id}"] if case_id else []):
            check_page(page, system, path)
        page.goto(system.url("portal") + "/enterprise/applications/new?clause_id=ckf2022-8.3")
        page.get_by_role("button", name="提交申请").click()  # the form with its errors
        assert serious_accessibility_violations(page) == []
    finally:
        context.close()


def test_an_enterprise_nominates_itself_after_the_pre_check_and_registers_a_referral_project(system, browser):
    now = dt.datetime.now(dt.UTC)
    with system.client("intake", "province_chain_office", "140000.province_chain_office", region="140000",
                       subject="office-1") as office:
        opened = office.post("/selection/rounds", json={
            "year": 2026, "kind": "chain_leader", "chain_ids": ["sx_photovoltaic"],
            "nomination_opens_at": (now - dt.timedelta(minutes=1)).isoformat(),
            "nomination_closes_at": (now + dt.timedelta(hours=2)).isoformat()})
    assert opened.status_code == 201, opened.text
    context = browser.new_context(locale="zh-CN", bypass_csp=True)  # axe on each page on the way
    try:
        page = context.new_page()
        sign_in(page, system, ENTERPRISE)
        navigate(page, "链主链核自荐")
        page.get_by_role("link", name=re.compile("自荐（2026年度链主企业遴选）")).first.click()
        page.get_by_label("自荐产业链").select_option(label="光伏产业链")
        page.get_by_label("产业链类别（未登记时须给出）").select_option(label="新兴培育产业链")
        page.get_by_label("上一年度主营业务收入（元）").fill("800,000,000")
        page.get_by_label("主导产品省内市场占有率排名").fill("2")
        page.get_by_role("button", name="条件预审").click()
        assert page.locator("#precheck-overall").inner_text() in ("符合", "不符合", "需专家评审")
        assert "上一年度主营业务收入" in page.locator(".precheck").inner_text()
        assert serious_accessibility_violations(page) == []
        screenshots(page, "enterprise-nomination-precheck")
        page.locator("#materials").set_input_files([{"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        page.get_by_role("button", name="提交自荐").click()
        page.wait_for_url("**/enterprise/selection/candidacies/CAND-*")
        assert "长治市工信局" in page.locator("main").inner_text() and "营业执照.pdf" in page.locator("main").inner_text()
        assert serious_accessibility_violations(page) == []
        screenshots(page, "enterprise-candidacy")

        navigate(page, "引荐项目")
        page.get_by_label("引进企业名称").fill("长治引进光伏有限公司")
        page.get_by_label("引进企业统一社会信用代码").fill(make_uscc())
        page.get_by_label("引进企业注册地行政区划代码").fill("140400")
        page.get_by_label("投资项目统一代码").fill("2026-140400-E2E")
        page.get_by_label("项目名称").fill("光伏组件扩产项目")
        page.get_by_label("计划固定资产投资额").fill("50,000,000")
        page.get_by_role("button", name="登记项目").click()
        page.wait_for_url("**/enterprise/referrals/REF-*")
        page.get_by_label("累计已完成固定资产投资额").fill("30,000,000")
        page.get_by_label("项目已投产").check()
        page.get_by_role("button", name="报送进度").click()
        page.wait_for_url("**?done=reported")
        assert "30,000,000.00元" in page.locator("main").inner_text()
        assert serious_accessibility_violations(page) == []
        screenshots(page, "enterprise-referral")
    finally:
        context.close()


def check_page(page, system: SystemUnderTest, path: str) -> None:  # type: ignore[no-untyped-def]
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(system.url("portal") + path)
        assert serious_accessibility_violations(page) == [], (path, width)
