"""What people send is checked strictly at the API, in the house error format, and nothing is written:
text without control, bidirectional or invisible characters and never blank (applicant names, titles,
facts), money as plain decimal strings (no "5,000,000", no 0 where an award is computed from it) and
true/false never taken for a number."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.support.cases import tech_transfer_facts
from tests.support.payout import finance
from tests.support.stack import Stack
from tests.support.tokens import make_uscc

pytestmark = pytest.mark.integration


def rows(stack: Stack, service: str, table: str) -> int:
    runtime = stack.runtimes[service]
    with runtime.db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(runtime.metadata.tables[table])).scalar_one()


def refused(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] in ("validation_failed", "invalid_request") and error["message"]
    return {e["field"]: e["reason"] for e in error["errors"]}


def test_an_applicant_name_or_fact_with_control_or_bidi_characters_or_only_spaces_is_refused(settings, databases):
    uscc = make_uscc()
    with Stack(settings, databases, services=("intake",)) as stack, \
            stack.client("intake", "enterprise", uscc, region="140400") as client:
        def submit(name: str, **facts: object):  # type: ignore[no-untyped-def]
            return client.post("/applications", json={
                "clause_id": "ckf2022-8.3", "facts": tech_transfer_facts() | facts,
                "applicant": {"uscc": uscc, "name": name, "kind": "enterprise", "region": "140400"}})

        assert refused(submit("长治\u0007示例科技")) == {"body.applicant.name": "不得包含控制字符或不可见字符（U+0007）"}
        assert "U+001B" in refused(submit("\u001b[31m长治示例科技"))["body.applicant.name"]
        assert "双向文字" in refused(submit("长治\u202e技科例示"))["body.applicant.name"]
        assert refused(submit("   ")) == {"body.applicant.name": "不得为空或仅含空白字符"}
        assert "U+2066" in refused(submit("长治示例科技", project_id="HT-\u2066001"))["facts.project_id"]
        assert rows(stack, "intake", "applications") == 0, "nothing written"

        accepted = submit("  长治示例科技有限公司  ")
        assert accepted.status_code == 201, accepted.text
        assert accepted.json()["applicant"]["name"] == "长治示例科技有限公司", "trimmed"


def test_amounts_are_plain_decimal_strings_and_an_award_basis_is_positive(settings, databases):
    uscc = make_uscc()
    with Stack(settings, databases, services=("intake",)) as stack, \
            stack.client("intake", "enterprise", uscc, region="140400") as client:
        def submit(receipts: object):  # type: ignore[no-untyped-def]
            return client.post("/applications", json={
                "clause_id": "ckf2022-8.3", "facts": tech_transfer_facts() | {"receipts_yuan": receipts},
                "applicant": {"uscc": uscc, "name": "长治示例科技有限公司", "kind": "enterprise", "region": "140400"}})

        assert "千位分隔符" in refused(submit("5,000,000"))["facts.receipts_yuan"]
        assert refused(submit("0"))["facts.receipts_yuan"] == "金额须大于0"
        assert "布尔值" in refused(submit(True))["facts.receipts_yuan"]
        assert "两位小数" in refused(submit("5000.001"))["facts.receipts_yuan"]
        assert "格式不正确" in refused(submit(" 5000000"))["facts.receipts_yuan"]
        assert rows(stack, "intake", "applications") == 0
        assert submit("5000000.50").status_code == 201


def test_a_referral_amount_is_not_a_float_and_its_flags_are_not_numbers(settings, databases):
    referrer = make_uscc()
    with Stack(settings, databases, services=("intake",)) as stack, \
            stack.client("intake", "enterprise", referrer, region="140400") as client:
        body = {"referrer_name": "链主企业", "project_code": "P-1", "project_name": "光伏组件配套项目",
                "investee": {"uscc": make_uscc(), "name": "引进配套企业", "kind": "enterprise", "region": "140400"}}
        assert "浮点数" in refused(client.post("/referral-projects", json=body | {"planned_fai_yuan": 50000000.5}))["body.planned_fai_yuan"]
        separated = client.post("/referral-projects", json=body | {"planned_fai_yuan": "50,000,000"})
        assert "千位分隔符" in refused(separated)["body.planned_fai_yuan"]
        assert "换行" in refused(client.post("/referral-projects", json=body | {
            "planned_fai_yuan": "50000000", "project_name": "光伏\n项目"}))["body.project_name"]
        project = client.post("/referral-projects", json=body | {"planned_fai_yuan": "50000000"})
        assert project.status_code == 201, project.text
        report = {"completed_fai_yuan": "1000", "investment_complete": 1, "in_production": False, "as_of": "2026-01-05"}
        assert "body.investment_complete" in refused(client.post(f"/referral-projects/{project.json()['id']}/progress", json=report))
        assert rows(stack, "intake", "referral_progress_reports") == 0


def test_true_is_not_an_amount_of_fen_and_a_task_title_is_one_clean_line(settings, databases):
    with Stack(settings, databases, services=("payout", "review")) as stack:
        with finance(stack, "chen") as chen:
            budget = {"fund_id": "city:140400", "year": 2026}
            assert "body.amount_fen" in refused(chen.post("/finance/budgets", json=budget | {"amount_fen": True}))
            assert "body.amount_fen" in refused(chen.post("/finance/budgets", json=budget | {"amount_fen": "100"}))
            assert "body.year" in refused(chen.post("/finance/budgets", json=budget | {"year": True, "amount_fen": 100}))
            assert rows(stack, "payout", "budgets") == 0
        with stack.client("review", "workflow", "duixian") as workflow:
            task = {"case_id": "CASE-TEXT", "kind": "case_review", "assignee_role": "competent_department",
                    "assignee_org": "140400.city_science_bureau"}
            assert "U+001B" in refused(workflow.post("/internal/tasks", json=task | {"title": "审核\u001b[2J"}))["body.title"]
            assert refused(workflow.post("/internal/tasks", json=task | {"title": "\u3000"}))["body.title"] == "不得为空或仅含空白字符"
            assert rows(stack, "review", "tasks") == 0
            assert workflow.post("/internal/tasks", json=task | {"title": "审核申请"}).status_code == 201
