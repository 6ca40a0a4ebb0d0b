"""The finance bureau's views and files: bank batch (XLSX, CSV), payables, budget execution, a
recipient's history; budgets and city/county cost shares loaded as data."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from infra.clock import beijing_today
from tests.support.payout import events, finance, journal_balanced, open_plan_body, recipient, replay_matches, table_rows
from tests.support.stack import Stack

pytestmark = pytest.mark.integration
TODAY = beijing_today().isoformat()  # a disbursement is never dated in the future

SME = {"clause_id": "cbf2020-13-sme", "citation": {"document_number": "长办发〔2020〕17号", "clause_number": "第13条"}}


def _plan(stack: Stack, body: dict) -> list[str]:
    with stack.client("payout", "workflow", "duixian") as wf:
        response = wf.post("/internal/payout-plans", json=body)
        assert response.status_code == 201, response.text
        return [s["id"] for s in wf.get(f"/payout-plans/{response.json()['plan_id']}").json()["stages"]]


def _approve(stack: Stack, stage_id: str, region: str = "140400", role: str = "city_finance_bureau"):  # type: ignore[no-untyped-def]
    with finance(stack, "zhang", role, region) as zhang, finance(stack, "li", role, region) as li:
        assert zhang.post(f"/payout-stages/{stage_id}/preparation").status_code == 201
        return li.post(f"/payout-stages/{stage_id}/approval")


def test_bank_batch_exports_approved_stages_as_xlsx_and_csv(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        approved = [_plan(stack, open_plan_body(amount_fen=amount))[0] for amount in (12_345_67, 100_000_01)]
        pending = _plan(stack, open_plan_body(amount_fen=5_00))[0]
        for stage_id in approved:
            assert _approve(stack, stage_id).status_code == 201
        with finance(stack, "wang") as wang:
            xlsx = wang.get("/finance/bank-batch", params={"format": "xlsx"})
            text = wang.get("/finance/bank-batch", params={"format": "csv"})
        assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("序号", "拨付分期编号", "案件编号") and rows[0][8] == "金额(元)"
        body, total = rows[1:-1], rows[-1]
        assert sorted(r[1] for r in body) == sorted(approved) and pending not in {r[1] for r in body}
        assert sorted(round(Decimal(str(r[8])) * 100) for r in body) == [12_345_67, 100_000_01]
        assert total[0] == "合计" and round(Decimal(str(total[8])) * 100) == 112_345_68
        assert sheet.cell(row=2, column=9).number_format == "#,##0.00"

        assert text.content.startswith("\ufeff".encode()) and text.headers["content-type"].startswith("text/csv")
        parsed = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
        assert parsed[0][4] == "统一社会信用代码"
        assert sorted(r[8] for r in parsed[1:-1]) == ["100000.01", "12345.67"]
        assert parsed[-1][0] == "合计" and parsed[-1][8] == "112345.68"


def test_text_stored_with_control_characters_before_they_were_refused_still_exports(settings, databases):
    from sqlalchemy import text

    with Stack(settings, databases, services=("payout",)) as stack:
        [stage_id] = _plan(stack, open_plan_body(amount_fen=300_00))
        assert _approve(stack, stage_id).status_code == 201
        runtime = stack.runtimes["payout"]
        with runtime.db.engine.begin() as conn:  # as an older version let it in
            conn.execute(text("UPDATE payout_plans SET recipient_name = :name"), {"name": "长治\x07测试\x1b[1m企业"})
            conn.execute(text("UPDATE payout_stages SET failure_reason = :reason"), {"reason": "退回\x0b原因\u2066"})
        with finance(stack, "wang") as wang:
            batch = wang.get("/finance/bank-batch", params={"format": "xlsx"})
            register = wang.get("/finance/stage-register", params={"format": "xlsx"})
            listed = wang.get("/payout-stages", params={"status": "approved"})
        assert batch.status_code == 200 and register.status_code == 200, (batch.text, register.text)
        assert list(load_workbook(io.BytesIO(batch.content)).active.iter_rows(values_only=True))[1][3] == "长治测试[1m企业"
        row = list(load_workbook(io.BytesIO(register.content)).active.iter_rows(values_only=True))[1]
        assert row[3] == "长治测试[1m企业" and row[18] == "退回原因"
        assert listed.status_code == 200 and listed.json()[0]["recipient"]["name"] == "长治测试[1m企业"


def test_the_stage_register_lists_every_stage_with_its_people_bank_reference_and_recoveries(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        paid, clawed, waiting = (_plan(stack, open_plan_body(amount_fen=amount))[0] for amount in (300_00, 500_00, 7_00))
        for stage_id in (paid, clawed):
            assert _approve(stack, stage_id).status_code == 201
        with finance(stack, "wang") as wang:
            for stage_id, reference in ((paid, "B-PAID"), (clawed, "B-CLAWED")):
                done = wang.post(f"/payout-stages/{stage_id}/disbursement", json={"bank_reference": reference,
                                                                                  "disbursed_on": TODAY})
                assert done.status_code == 201, done.text
            assert wang.post(f"/payout-stages/{clawed}/clawback", json={"reason": "事后查实未投产"}).status_code == 201
            sheet = wang.get("/finance/stage-register", params={"format": "xlsx"})
            only_pending = wang.get("/finance/stage-register", params={"format": "csv", "status": "pending"})
            other_year = wang.get("/finance/stage-register", params={"format": "csv", "year": 2001})
        with finance(stack, "zhao", region="140900") as elsewhere:
            foreign = elsewhere.get("/finance/stage-register", params={"format": "csv"})
        rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
        header, body, total = rows[0], {r[1]: dict(zip(rows[0], r, strict=True)) for r in rows[1:-1]}, rows[-1]
        assert set(body) == {paid, clawed, waiting}
        assert body[paid]["状态"] == "已拨付" and body[paid]["银行流水号"] == "B-PAID" and body[paid]["拨付日期"] == TODAY
        assert body[paid]["编制人"].startswith("zhang@") and body[paid]["审批人"].startswith("li@")
        assert body[clawed]["状态"] == "已追回" and body[clawed]["失败或追回原因"] == "事后查实未投产"
        assert round(Decimal(str(body[clawed]["已追回(元)"])) * 100) == 500_00
        assert body[waiting]["状态"] == "待编制" and not body[waiting]["编制人"] and body[waiting]["已追回(元)"] is None
        assert total[:2] == ("合计", "3笔") and round(Decimal(str(total[header.index("金额(元)")])) * 100) == 807_00
        assert round(Decimal(str(total[-1])) * 100) == 500_00
        pending_rows = list(csv.reader(io.StringIO(only_pending.content.decode("utf-8-sig"))))
        assert [r[1] for r in pending_rows[1:-1]] == [waiting] and pending_rows[-1][9] == "7.00"
        assert list(csv.reader(io.StringIO(other_year.content.decode("utf-8-sig"))))[1][:2] == ["合计", "0笔"]
        assert foreign.status_code == 200 and "合计,0笔" in foreign.content.decode("utf-8-sig"), "another city's funds stay out"


def test_shared_clause_without_a_loaded_split_is_refused_naming_what_is_missing(settings, databases):
    """长办发〔2020〕17号 第13条: 以上奖补资金由市县财政分担 — the ratio is data, never invented."""
    with Stack(settings, databases, services=("payout",)) as stack:
        who = recipient("140423")
        stage_id = _plan(stack, open_plan_body(who, amount_fen=10_000_001, year=2026, **SME))[0]
        refused = _approve(stack, stage_id)
        assert refused.status_code == 409 and refused.json()["code"] == "data_unavailable"
        assert refused.json()["details"] == {"missing": "cost_share", "clause_id": "cbf2020-13-sme", "county": "140423"}
        assert "分担比例" in refused.json()["message"] and table_rows(stack, "journal_entries") == []
        with finance(stack, "chen") as chen:
            loaded = chen.post("/finance/cost-shares", json={"clause_id": "cbf2020-13-sme", "county": "140423",
                                                               "city_share_bp": 6000}, headers={"Idempotency-Key": "cs-1"})
            assert loaded.status_code == 201, loaded.text
            not_shared = chen.post("/finance/cost-shares", json={"clause_id": "ckf2022-8.3", "county": "140423",
                                                                  "city_share_bp": 5000})
            assert not_shared.status_code == 422 and not_shared.json()["errors"][0]["field"] == "clause_id"
        with finance(stack, "li") as li:
            approved = li.post(f"/payout-stages/{stage_id}/approval")
        assert approved.status_code == 201, approved.text
        assert approved.json()["funding"] == [["city:140400", 6_000_000], ["county:140423", 4_000_001]]
        assert journal_balanced(stack) and replay_matches(stack)
        with finance(stack, "zhao", "county_finance", "140423") as county:
            execution = {f["fund_id"]: f for f in county.get("/finance/budget-execution").json()}
        assert set(execution) == {"county:140423"} and execution["county:140423"]["committed_fen"] == 4_000_001


def test_budgets_bound_approvals_and_views_report_payables_and_history(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        who = recipient("140423")
        first, second = (_plan(stack, open_plan_body(who, amount_fen=6_000_000))[0] for _ in range(2))
        with finance(stack, "chen") as chen:
            from services.payout.service_layer.ledger import current_year
            year = current_year()
            loaded = chen.post("/finance/budgets", json={"fund_id": "city:140400", "year": year, "amount_fen": 10_000_000})
            assert loaded.status_code == 201
            foreign = chen.post("/finance/budgets", json={"fund_id": "city:140900", "year": year, "amount_fen": 1})
            assert foreign.status_code == 403
        assert _approve(stack, first).status_code == 201
        over = _approve(stack, second)
        assert over.status_code == 409 and over.json()["code"] == "budget_exceeded" and "预算不足" in over.json()["message"]
        with finance(stack, "wang") as wang:
            wang.post(f"/payout-stages/{first}/disbursement", json={"bank_reference": "B-1", "disbursed_on": TODAY})
            payables = wang.get("/finance/payables").json()
            [group] = payables
            assert group["clause_id"] == "ckf2022-8.3" and group["county"] == "140423"
            assert group["not_yet_approved_fen"] == 6_000_000 and group["approved_unpaid_fen"] == 0
            [fund] = wang.get("/finance/budget-execution", params={"year": year}).json()
            assert fund == {"fund_id": "city:140400", "year": year, "budget_fen": 10_000_000, "committed_fen": 6_000_000,
                            "disbursed_fen": 6_000_000, "remaining_fen": 4_000_000}
            history = wang.get(f"/finance/recipients/{who['uscc']}/history").json()
            assert history["disbursed_fen"] == 6_000_000 and len(history["stages"]) == 2
            assert [e["kind"] for e in history["journal"]] == ["approval", "disbursement"]
            assert all(sum(line["amount_fen"] for line in e["lines"]) == 0 for e in history["journal"])
        assert len(events(stack, "payout.stage.approved")) == 1
