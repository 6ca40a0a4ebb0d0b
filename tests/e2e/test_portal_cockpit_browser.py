"""The leaders' cockpit (领导驾驶舱, 长办发〔2020〕17号 第28条) in a real browser on the processes `duixian up` starts:
an 8.3 case is applied for, decided and paid over the services' APIs and finance loads the year's budget; the
leader 孙伟 signs in through the provider's form and sees those figures (fed to the portal by the `cockpit`
process from the events), downloads the month's XLSX report and it opens with openpyxl. Screenshots at 1280
and 375 px."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from infra.clock import beijing_today
from tests.support.browser import RequestLog, reloaded_until, screenshots, serious_accessibility_violations
from tests.support.cases import CENTER, SCIENCE, apply, decide, tech_transfer_facts
from tests.support.finance import FINANCE_ORG, FINANCE_REGION, pay_open_stages
from tests.support.portal import sign_in
from tests.support.processes import SystemUnderTest

pytestmark = pytest.mark.e2e
LEADER = "孙伟"
USCC = "91140400MA0GRAND6J"
BUDGET_FEN = 100_000_000  # 1,000,000.00元 for city:140400 this year (a test figure, loaded as finance loads it)


def drive_a_paid_case(system: SystemUnderTest) -> str:
    with system.client("payout", "city_finance_bureau", FINANCE_ORG, region=FINANCE_REGION, subject="zhang") as finance:
        loaded = finance.post("/finance/budgets", json={"fund_id": "city:140400", "year": beijing_today().year,
                                                         "amount_fen": BUDGET_FEN})
    assert loaded.status_code == 201, loaded.text
    case_id = apply(system, USCC, "ckf2022-8.3", tech_transfer_facts(year=beijing_today().year))  # type: ignore[arg-type]
    decide(system, case_id, CENTER, "140400", subject="center-officer-1")  # type: ignore[arg-type]
    decide(system, case_id, SCIENCE, "140400", subject="science-officer-1")  # type: ignore[arg-type]  # 20万 cap binds
    pay_open_stages(system, case_id)  # type: ignore[arg-type]
    return case_id


def test_the_leader_sees_the_cases_figures_and_downloads_the_monthly_report(system, context):
    requests = RequestLog(context)
    drive_a_paid_case(system)
    page = context.new_page()
    sign_in(page, system, LEADER, next_path="/cockpit")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="领导驾驶舱").click()
    assert "长办发〔2020〕17号 第28条" in page.locator(".lead").inner_text()
    reloaded_until(page, lambda: page.locator("#paid-total").inner_text() == "200,000.00元", what="the payment in the cockpit")

    assert page.locator("#applications-total").inner_text() == "1"
    assert page.locator("#determined-total").inner_text() == "200,000.00元"
    assert page.locator("#approved-total").inner_text() == "200,000.00元"
    assert page.locator("#budget-total").inner_text() == "1,000,000.00元"
    assert page.locator("#approved-share").inner_text() == "20.0%"
    assert page.locator("#by-clause tbody tr").count() == 1
    assert page.locator("#by-clause tbody tr").inner_text().startswith("长科发〔2022〕5号 第8.3条")
    assert "已全部拨付\t1" in page.locator("#by-status").inner_text()
    steps = page.locator("#step-table").inner_text()
    assert "长治市科技局" in steps and "长治市引进国外智力（专家）服务中心" in steps
    assert page.locator("#chart-money svg rect.chart-bar").count() == 4  # budget, determined, approved, paid
    assert page.locator("#chart-funnel figcaption").inner_text() == "遴选漏斗"
    screenshots(page, "cockpit")

    with page.expect_download() as download_info:
        page.locator("#download-report").click()
    download = download_info.value
    assert download.suggested_filename == f"cockpit-{beijing_today():%Y-%m}.xlsx"
    workbook = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    assert workbook.sheetnames == ["资金", "按条款", "按地区", "按状态", "办理时长", "遴选漏斗"]
    money = {row[0]: row[1] for row in workbook["资金"].iter_rows(min_row=2, values_only=True)}
    assert money["拨付"] == Decimal("200000") and money["预算（已载入）"] == Decimal("1000000")
    assert "长办发〔2020〕17号 第28条" in next(row[2] for row in workbook["资金"].iter_rows(values_only=True) if row[0] == "依据")
    clauses = list(workbook["按条款"].iter_rows(min_row=2, values_only=True))
    assert clauses[0][0].startswith("长科发〔2022〕5号 第8.3条") and clauses[0][1] == 1

    page.goto(system.url("portal") + "/cockpit/report.xlsx?month=2026-13")
    assert "月份（month）应写作“年-月”" in page.locator("main").inner_text()
    page.goto(system.url("portal") + "/cockpit?year=20x6")
    assert page.locator("#year-error").inner_text().startswith("年度（year）应为")
    assert requests.hosts() <= {f"127.0.0.1:{system.ports['portal']}", f"127.0.0.1:{system.ports['oidc']}"}


def test_an_enterprise_may_not_open_the_cockpit(system, context):
    page = context.new_page()
    sign_in(page, system, "长治示例科技有限公司", next_path="/cockpit")
    assert page.get_by_role("heading", level=1).inner_text() == "仅限领导驾驶舱用户"
    assert page.get_by_role("navigation", name="主导航").get_by_role("link", name="领导驾驶舱").count() == 0


def test_the_cockpit_has_no_serious_accessibility_violation(system, browser):
    """After the first test's case: the charts and tables with figures in them, and the year's form with its error."""
    context = browser.new_context(locale="zh-CN", bypass_csp=True)  # axe is injected as a script
    try:
        page = context.new_page()
        sign_in(page, system, LEADER, next_path="/cockpit")
        for path in ("/cockpit", "/cockpit?year=20x6"):
            for width in (1280, 375):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(system.url("portal") + path)
                assert serious_accessibility_violations(page) == [], (path, width)
    finally:
        context.close()
