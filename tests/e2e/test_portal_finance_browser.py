"""The finance bureau's portal in a real browser (Debian's chromium, Playwright) on the processes `duixian up`
starts. A case is driven to payout over the services' APIs (the enterprise applies, the departments decide);
then in the browser 张敏 prepares the stage, is refused when he approves it himself (the page explains 四眼原则),
李强 approves and downloads the bank batch (an XLSX that opens), 张敏 records a failure, the retry and the
disbursement (a double click records once), and the enterprise sees the stage paid. Screenshots at 1280 and
375 px; axe-core on every finance page; nothing loaded from another host."""
from __future__ import annotations

import io
import uuid

import pytest
from openpyxl import load_workbook

from tests.support.browser import RequestLog, navigate, screenshots, serious_accessibility_violations
from tests.support.cases import CENTER, SCIENCE, apply, open_tasks_for, tech_transfer_facts
from tests.support.portal import sign_in
from tests.support.processes import SystemUnderTest
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
ENTERPRISE = "长治示例科技有限公司"
USCC = "91140400MA0GRAND6J"
PREPARER = "张敏（市财政局，编制）"
APPROVER = "李强（市财政局，审批）"


def decide(system: SystemUnderTest, case_id: str, organisation: str, subject: str) -> None:
    with system.client("review", "competent_department", organisation, region="140400", subject=subject) as officer:
        task = eventually(lambda: open_tasks_for(officer, case_id), timeout=90, what=f"{organisation}'s task")[0]
        decided = officer.post(f"/tasks/{task['id']}/decision", json={"decision": "approve", "reason": "符合条件"})
    assert decided.status_code == 201, decided.text


def case_at_payout(system: SystemUnderTest) -> tuple[str, str]:
    """An application of 长科发〔2022〕5号 8.3 decided by both departments; its case id and its payout stage."""
    case_id = apply(system, USCC, "ckf2022-8.3", tech_transfer_facts(project_id=f"HT-E2E-{uuid.uuid4().hex[:6]}"))
    decide(system, case_id, CENTER, "center-officer-1")
    decide(system, case_id, SCIENCE, "science-officer-1")

    def stage() -> str | None:
        with system.client("payout", "auditor", "audit-office") as auditor:
            rows = auditor.get("/payout-stages", params={"case_id": case_id}).json()
        return rows[0]["id"] if rows else None
    return case_id, eventually(stage, timeout=90, what="the payout stage")


def journal_kinds(system: SystemUnderTest) -> list[str]:
    with system.client("payout", "auditor", "audit-office") as auditor:
        return [e["kind"] for e in auditor.get(f"/finance/recipients/{USCC}/history").json()["journal"]]


def test_finance_prepares_a_colleague_approves_the_bank_batch_opens_and_the_enterprise_sees_the_stage_paid(system, browser):
    case_id, stage_id = case_at_payout(system)
    stage_link = f"{case_id} 第1期"
    zhang_context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900},
                                        accept_downloads=True)
    li_context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900},
                                     accept_downloads=True)
    requests = RequestLog(zhang_context), RequestLog(li_context)
    try:
        zhang = zhang_context.new_page()
        sign_in(zhang, system, PREPARER)
        navigate(zhang, "拨付分期")
        assert zhang.locator(f"#stage-{stage_id}").inner_text().count("200,000.00元") == 1
        screenshots(zhang, "finance-pending")
        zhang.get_by_role("link", name=stage_link).click()
        zhang.get_by_role("button", name="编制").click()
        zhang.wait_for_url("**?done=prepare")
        assert zhang.locator("#stage-status").inner_text() == "已编制，待审批"
        zhang.get_by_role("button", name="审批通过").click()  # the preparer approving his own stage
        assert "四眼原则" in zhang.locator("#refusal").inner_text() and "本分期由您编制" in zhang.locator("#refusal").inner_text()
        assert zhang.locator("#stage-status").inner_text() == "已编制，待审批"
        screenshots(zhang, "finance-four-eyes")

        li = li_context.new_page()
        sign_in(li, system, APPROVER, next_path=f"/finance/stages/{stage_id}")
        li.get_by_role("button", name="审批通过").click()
        li.wait_for_url("**?done=approve")
        assert li.locator("#stage-status").inner_text() == "已审批，待拨付"
        navigate(li, "拨付分期")
        with li.expect_download() as download:
            li.get_by_role("link", name="下载 Excel（XLSX）").click()
        rows = list(load_workbook(io.BytesIO(download.value.path().read_bytes())).active.iter_rows(values_only=True))
        assert rows[0][1] == "拨付分期编号" and [r[1] for r in rows[1:-1]] == [stage_id] and rows[-1][0] == "合计"
        assert download.value.suggested_filename.endswith(".xlsx")

        zhang.goto(system.url("portal") + f"/finance/stages/{stage_id}")
        zhang.get_by_label("失败或退回原因").fill("银行退票：收款账户信息有误")
        zhang.get_by_role("button", name="登记失败或退回").click()
        zhang.wait_for_url("**?done=fail")
        assert zhang.locator("#stage-status").inner_text() == "拨付失败或退回"
        zhang.get_by_role("button", name="重新拨付").click()
        zhang.wait_for_url("**?done=retry")
        zhang.get_by_role("button", name="登记拨付").click()  # without the bank's reference: the reason beside it
        assert zhang.locator("#bank_reference-error").inner_text() == "请填写银行回单上的流水号或凭证号"
        zhang.get_by_label("银行流水号").fill("ICBC-E2E-0001")
        zhang.get_by_role("button", name="登记拨付").dblclick()
        zhang.wait_for_url("**?done=disburse")
        assert zhang.locator("#stage-status").inner_text() == "已拨付"
        assert zhang.locator("#bank-reference").inner_text() == "ICBC-E2E-0001" and zhang.locator("#attempts").inner_text() == "1"
        screenshots(zhang, "finance-disbursed")
        zhang.wait_for_timeout(500)  # a second request, had one been sent, would have arrived by now
        assert journal_kinds(system) == ["approval", "disbursement"], "one disbursement for the double click"

        navigate(zhang, "拨付台账")
        assert "ICBC-E2E-0001" in zhang.locator(f"#stage-{stage_id}").inner_text()
        screenshots(zhang, "finance-register")
        navigate(zhang, "预算执行")
        assert "长治市财政资金" in zhang.locator("main").inner_text()
        screenshots(zhang, "finance-budget-execution")
        for log in requests:
            assert log.hosts() <= {f"127.0.0.1:{system.ports['portal']}", f"127.0.0.1:{system.ports['oidc']}"}, log.urls
    finally:
        zhang_context.close()
        li_context.close()

    enterprise_context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    try:
        page = enterprise_context.new_page()
        sign_in(page, system, ENTERPRISE, next_path=f"/enterprise/applications/{case_id}")

        def paid() -> bool:
            page.reload()
            return page.locator("#status").inner_text() == "已全部拨付"
        eventually(paid, timeout=90, interval=1, what="the payment on the enterprise's application")
        assert "已拨付" in page.locator(".stages").inner_text() and page.locator("#paid-total").inner_text() == "200,000.00元"
        assert "zhang" not in page.locator("main").inner_text(), "officials by their department, never their ids"
        screenshots(page, "finance-enterprise-paid")
    finally:
        enterprise_context.close()


def test_the_finance_pages_have_no_serious_accessibility_violation(system, browser):
    context = browser.new_context(locale="zh-CN", bypass_csp=True)  # axe is injected as a script
    try:
        page = context.new_page()
        sign_in(page, system, PREPARER, next_path="/finance/stages")
        paths = ["/finance/stages", "/finance/stages?status=disbursed", "/finance/register", "/finance/budget-execution",
                 "/finance/recipients", "/finance/budgets"]
        with system.client("payout", "auditor", "audit-office") as auditor:
            listed = auditor.get("/payout-stages").json()
        paths += [f"/finance/stages/{listed[0]['id']}", f"/finance/recipients/{USCC}"] if listed else []
        for path in paths:
            for width in (1280, 375):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(system.url("portal") + path)
                assert serious_accessibility_violations(page) == [], (path, width)
        page.goto(system.url("portal") + "/finance/budgets")
        page.get_by_label("预算金额").fill("1.005")
        page.get_by_role("button", name="载入预算").click()  # the form with its error beside the field
        assert page.locator("#amount_yuan-error").inner_text() == "金额最多保留两位小数（到分）"
        assert serious_accessibility_violations(page) == []
        screenshots(page, "finance-budgets-error")
    finally:
        context.close()
