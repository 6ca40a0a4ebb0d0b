"""The finance bureau's portal pages over HTTP, as a browser without JavaScript uses them, on the real payout
service (SQLite and PostgreSQL): a stage prepared, refused to its preparer and approved by a colleague
(四眼原则), the bank batch file, a failure, retry and disbursement, budgets typed in 元 and cost shares in %,
each form recorded once however often it is sent."""
from __future__ import annotations

import html
import io
import re
import uuid

import pika
import pytest
import yaml
from openpyxl import load_workbook

from contracts.topology import topology
from infra.amqp import connection_parameters
from infra.clock import beijing_today
from infra.settings import Settings
from infra.topology import delete_topology
from tests.support.databases import DatabaseFactory
from tests.support.payout import open_plan_body, recipient
from tests.support.portal_stack import CSRF_TOKEN, PortalStack, enterprises_directory, hidden, portal_with_services

pytestmark = pytest.mark.integration
TODAY = beijing_today().isoformat()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def system(request, tmp_path_factory, amqp_url):  # type: ignore[no-untyped-def]
    directory = tmp_path_factory.mktemp("portal-finance")
    path = directory / "directory.yaml"
    pool = enterprises_directory(path, 4)
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["users"].append({"subject": "audit-1", "name": "审计员", "role": "auditor", "organisation": "audit-office"})
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    namespace = f"test-{uuid.uuid4().hex[:10]}"
    settings = Settings(environment="test", data_dir=directory, amqp_url=amqp_url, amqp_namespace=namespace,
                        relay_poll_seconds=0.05, log_json=True, portal_directory_file=path)
    databases = DatabaseFactory(request.param, directory, request.getfixturevalue("postgres_url")
                                if request.param == "postgresql" else None)
    with portal_with_services(settings, databases, services=("payout",)) as running:
        running.pool = pool
        yield running
    databases.close()
    connection = pika.BlockingConnection(connection_parameters(amqp_url))
    delete_topology(topology(namespace), connection.channel())
    connection.close()


def text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def field_error(page: str, name: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="{name}-error">([^<]*)</p>', page)
    return html.unescape(match.group(1)) if match else None


def open_stage(system: PortalStack, uscc: str) -> tuple[str, str]:
    """A plan opened as the workflow does (20万元, 长科发〔2022〕5号 8.3); its stage id and case id."""
    body = open_plan_body(recipient("140400", uscc), amount_fen=20_000_000)
    with system.client("payout", "workflow", "duixian", subject="duixian-worker") as worker:
        opened = worker.post("/internal/payout-plans", json=body)
        assert opened.status_code == 201, opened.text
        return worker.get(f"/payout-plans/{opened.json()['plan_id']}").json()["stages"][0]["id"], body["case_id"]


def send(browser, stage_id: str, action: str, **fields: str):  # type: ignore[no-untyped-def]
    page = browser.get(f"/finance/stages/{stage_id}").text
    match = re.search(rf'action="/finance/stages/{stage_id}/{action}"[^>]*>\s*<input type="hidden" name="csrf_token" value="[^"]*">'
                      r'\s*<input type="hidden" name="submission_id" value="([0-9a-f]{32})"', page)
    assert match, f"no {action} form on the page"
    return browser.post(f"/finance/stages/{stage_id}/{action}",
                        data={"csrf_token": CSRF_TOKEN, "submission_id": match.group(1), **fields}), match.group(1)


def stage(system: PortalStack, stage_id: str) -> dict:
    with system.client("payout", "auditor", "audit-office") as auditor:
        return auditor.get(f"/payout-stages/{stage_id}").json()


def test_prepare_four_eyes_approval_bank_batch_failure_retry_and_disbursement(system):
    uscc = system.pool.pop()
    stage_id, case_id = open_stage(system, uscc)
    with system.browser("zhang") as zhang, system.browser("li") as li:
        pending = zhang.get("/finance/stages", params={"status": "pending"})
        assert pending.status_code == 200 and f"{case_id} 第1期" in text(pending.text)
        assert "200,000.00元" in text(pending.text) and "长科发〔2022〕5号 第8.3条" in text(pending.text)
        assert "张敏（市财政局，编制）" in text(pending.text) and 'class="role"' not in pending.text, \
            "the header names the unit once: 张敏（市财政局，编制）, not …（市财政局）（市财政局）"

        prepared, key = send(zhang, stage_id, "prepare")
        assert prepared.status_code == 303 and prepared.headers["location"].endswith("?done=prepare")
        again = zhang.post(f"/finance/stages/{stage_id}/prepare", data={"csrf_token": CSRF_TOKEN, "submission_id": key})
        assert again.status_code == 303, "the same form sent again: the recorded answer, nothing more"
        assert stage(system, stage_id)["prepared_by"] == "zhang"

        own, _ = send(zhang, stage_id, "approve")
        assert own.status_code == 403 and "四眼原则" in text(own.text) and "本分期由您编制" in text(own.text)
        assert stage(system, stage_id)["status"] == "prepared"
        approved, _ = send(li, stage_id, "approve")
        assert approved.status_code == 303, text(approved.text)[:1500]

        batch = li.get("/finance/bank-batch", params={"format": "xlsx"})
        assert batch.status_code == 200 and "spreadsheetml" in batch.headers["content-type"]
        rows = list(load_workbook(io.BytesIO(batch.content)).active.iter_rows(values_only=True))
        assert rows[0][:3] == ("序号", "拨付分期编号", "案件编号") and stage_id in [r[1] for r in rows[1:-1]]

        empty, _ = send(zhang, stage_id, "disburse", bank_reference="", disbursed_on="2026-13-01")
        assert empty.status_code == 422
        assert field_error(empty.text, "bank_reference") == "请填写银行回单上的流水号或凭证号"
        assert field_error(empty.text, "disbursed_on") == "请填写拨付日期，如 2026-03-02"
        future, _ = send(zhang, stage_id, "disburse", bank_reference="ICBC-F-1", disbursed_on="2099-01-01")
        assert future.status_code == 422 and "今天" in field_error(future.text, "disbursed_on"), "payout's reason beside the field"

        no_reason, _ = send(zhang, stage_id, "fail", failure_reason="")
        assert no_reason.status_code == 422 and field_error(no_reason.text, "failure_reason").startswith("请写明失败或退回的原因")
        failed, _ = send(zhang, stage_id, "fail", failure_reason="收款账户已销户")
        assert failed.status_code == 303 and stage(system, stage_id)["failure_reason"] == "收款账户已销户"
        retried, _ = send(zhang, stage_id, "retry")
        assert retried.status_code == 303 and stage(system, stage_id)["status"] == "approved"

        reference = f"ICBC-{uuid.uuid4().hex[:8]}"
        paid, key = send(zhang, stage_id, "disburse", bank_reference=reference, disbursed_on=TODAY)
        assert paid.status_code == 303
        twice = zhang.post(f"/finance/stages/{stage_id}/disburse", data={
            "csrf_token": CSRF_TOKEN, "submission_id": key, "bank_reference": reference, "disbursed_on": TODAY})
        assert twice.status_code == 303
        shown = zhang.get(f"/finance/stages/{stage_id}", params={"done": "disburse"})
        assert re.search(r'id="stage-status">已拨付<', shown.text) and reference in shown.text
        assert "拨付已登记" in text(shown.text) and 'id="attempts">1<' in shown.text
        assert "张敏（市财政局，编制）" in text(shown.text) and "李强（市财政局，审批）" in text(shown.text), "people by name"
        history = zhang.get(f"/finance/recipients/{uscc}")
        assert history.status_code == 200 and re.search(r'id="disbursed-total">200,000.00元<', history.text)
        journal_shown = text(history.text)
        assert "长治市财政资金（" in journal_shown and "应付收款单位款项" in journal_shown and "银行存款" in journal_shown
        assert "payable:" not in journal_shown and "fund:" not in journal_shown, "ledger accounts by their Chinese names"
        register = zhang.get("/finance/register", params={"status": "disbursed"})
        assert stage_id in register.text and "张敏（市财政局，编制） / 李强（市财政局，审批）" in text(register.text)
    with system.client("payout", "enterprise", uscc, region="140400", subject=uscc) as enterprise:
        journal = enterprise.get(f"/finance/recipients/{uscc}/history").json()["journal"]
    assert [e["kind"] for e in journal] == ["approval", "disbursement"], "one disbursement however often the form was sent"


def test_budgets_are_typed_in_yuan_and_read_exactly_and_cost_shares_in_percent(system):
    year = 2031  # a year no other test loads
    with system.browser("zhang") as zhang:
        page = zhang.get("/finance/budgets", params={"year": year})
        submission_id = hidden(page.text, "submission_id")
        form = {"csrf_token": CSRF_TOKEN, "submission_id": submission_id, "fund_id": "city:140400", "year": str(year)}
        wrong = zhang.post("/finance/budgets", data={**form, "amount_yuan": "1.005"})
        assert wrong.status_code == 422 and field_error(wrong.text, "amount_yuan") == "金额最多保留两位小数（到分）"
        assert 'value="1.005"' in wrong.text, "what was typed is kept"
        words = zhang.post("/finance/budgets", data={**form, "amount_yuan": "五千万"})
        assert field_error(words.text, "amount_yuan") == "请填写数字，如 1,000,000.00"
        loaded = zhang.post("/finance/budgets", data={**form, "amount_yuan": "50,000,000.01"})
        assert loaded.status_code == 303 and loaded.headers["location"] == f"/finance/budgets?year={year}&done=budget"
        shown = zhang.get(loaded.headers["location"])
        assert "年度预算已载入" in text(shown.text) and "50,000,000.01元" in text(shown.text)
        execution = zhang.get("/finance/budget-execution", params={"year": year})
        assert "长治市财政资金" in text(execution.text) and "50,000,000.01元" in text(execution.text)

        share = {"csrf_token": CSRF_TOKEN, "submission_id": uuid.uuid4().hex, "clause_id": "cbf2020-13-sme", "county": "140423"}
        over = zhang.post("/finance/cost-shares", data={**share, "city_share_percent": "120"})
        assert over.status_code == 422 and field_error(over.text, "city_share_percent") == "比例不能超过100%"
        assert zhang.post("/finance/cost-shares", data={**share, "city_share_percent": "60"}).status_code == 303
        listed = text(zhang.get("/finance/budgets").text)
        assert "襄垣县 60% 40%" in listed and "长办发〔2020〕17号 第13条" in listed
    with system.client("payout", "auditor", "audit-office") as auditor:
        budgets = [f for f in auditor.get("/finance/budget-execution", params={"year": year}).json() if f["budget_fen"]]
    assert [(b["fund_id"], b["budget_fen"]) for b in budgets] == [("city:140400", 5_000_000_001)]


def test_only_the_finance_workspace_uses_the_pages_and_auditors_only_read(system):
    uscc = system.pool.pop()
    stage_id, _ = open_stage(system, uscc)
    with system.browser(uscc) as enterprise:
        refused = enterprise.get("/finance/stages")
        assert refused.status_code == 403 and "仅限财政部门" in text(refused.text)
    with system.browser("audit-1") as auditor:
        page = auditor.get(f"/finance/stages/{stage_id}")
        assert page.status_code == 200 and "审计账号只能查阅" in text(page.text) and "/prepare" not in page.text
    with system.browser("zhang") as zhang:
        assert zhang.get("/finance/stages/STG-NONE").status_code == 404
        assert zhang.post(f"/finance/stages/{stage_id}/prepare", data={"submission_id": uuid.uuid4().hex}).status_code == 403, \
            "no CSRF token, nothing sent"
        assert stage(system, stage_id)["status"] == "pending"
