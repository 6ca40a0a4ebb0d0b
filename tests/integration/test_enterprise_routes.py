"""What the enterprise pages of the portal read and send, on the services: the public clause catalogue
(文号, original text, facts schema), the public calculator (steps, citation, the cap that bound it), the
year schedules review counts working days on, and the 链主/链核 pre-check."""
from __future__ import annotations

from pathlib import Path

import pytest

from policies.calendar import YearSchedule
from tests.support.cases import tech_transfer_facts
from tests.support.stack import Stack
from tests.support.tokens import make_uscc

pytestmark = pytest.mark.integration

SEEDS_TEXT_8_3 = ("对经山西省技术合同认定登记并在市内转化的成果,按技术合同成交实际到账技术交易额(以转账凭证为依据),"
                  "给予技术输出方5%的补助,单个科技成果最高补助20万元。")
SCHEDULE_2027 = Path(__file__).parents[1] / "unit/policies/fixtures/calendar_2027_TEST_DATA.yaml"


def test_the_catalogue_is_public_with_each_clauses_document_number_original_text_and_facts_schema(settings, databases):
    with Stack(settings, databases, services=("intake",)) as stack, stack.client("intake") as visitor:
        catalogue = visitor.get("/public/clauses")
        assert catalogue.status_code == 200, catalogue.text
        clause = next(c for c in catalogue.json() if c["id"] == "ckf2022-8.3")
        assert clause["document_number"] == "长科发〔2022〕5号" and clause["clause_number"] == "8.3"
        assert clause["source_excerpt"] == SEEDS_TEXT_8_3
        assert clause["caps"] == [{"title_zh": "单个科技成果最高补助20万元", "amount_yuan": 200000}]
        detail = visitor.get("/public/clauses/ckf2022-8.3").json()
        schema = detail["facts_schema"]
        assert schema["properties"]["receipts_yuan"]["title"].startswith("技术合同成交实际到账技术交易额")
        assert "receipts_yuan" in schema["required"]
        level = visitor.get("/public/clauses/cf2018-12.3").json()["facts_schema"]["properties"]["level"]
        assert level["labels_zh"] == {"city": "市级", "provincial": "省级", "national": "国家级"}
        missing = visitor.get("/public/clauses/no-such-1.1")
        assert missing.status_code == 404 and "no-such-1.1" in missing.json()["message"]


def test_the_public_calculator_answers_with_steps_citation_and_the_binding_cap_or_the_field_at_fault(settings, databases):
    with Stack(settings, databases, services=("review",)) as stack, stack.client("review") as visitor:
        capped = visitor.post("/public/calculations", json={"clause_id": "ckf2022-8.3",
                                                           "facts": {**tech_transfer_facts("5000000"), "entity_id": "x"}})
        assert capped.status_code == 200, capped.text
        body = capped.json()
        assert body["amount_fen"] == 20_000_000 and body["capped_by_zh"] == "单个科技成果最高补助20万元"
        assert body["citation"]["document_number"] == "长科发〔2022〕5号" and body["citation"]["clause_number"] == "8.3"
        assert any("250000.00" in step["description"] for step in body["steps"]), body["steps"]

        wrong = visitor.post("/public/calculations", json={"clause_id": "ckf2022-8.3",
                                                          "facts": {**tech_transfer_facts("5,000,000"), "entity_id": "x"}})
        assert wrong.status_code == 422 and [e["field"] for e in wrong.json()["errors"]] == ["facts.receipts_yuan"]
        not_eligible = visitor.post("/public/calculations", json={"clause_id": "ckf2022-8.3", "facts": {
            **tech_transfer_facts(), "entity_id": "x", "ownership_clear": False}})
        assert not_eligible.status_code == 422 and not_eligible.json()["errors"][0]["field"] == "facts"
        assert "权属" in not_eligible.json()["message"]
        unknown = visitor.post("/public/calculations", json={"clause_id": "nope-1", "facts": {}})
        assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "clause_id"


def test_review_publishes_the_year_schedules_it_counts_on_with_their_dates(settings, databases):
    schedule = YearSchedule.from_file(SCHEDULE_2027).model_dump(mode="json")
    with Stack(settings, databases, services=("review",)) as stack:
        with stack.client("review") as visitor:
            assert visitor.get("/public/calendar-schedules").json() == []
        with stack.client("review", "admin", "ops", subject="admin-1") as admin:
            assert admin.post("/admin/calendar-schedules", json=schedule).status_code == 201
        with stack.client("review") as visitor:
            published = visitor.get("/public/calendar-schedules").json()
        assert [s["year"] for s in published] == [2027]
        assert published[0]["makeup_workdays"] == [{"date": "2027-01-09", "name": "测试调休"}]


def test_the_criteria_form_and_pre_check_judge_stated_facts_without_recording_anything(settings, databases):
    uscc = make_uscc()
    with Stack(settings, databases, services=("intake",)) as stack, \
            stack.client("intake", "enterprise", uscc, region="140400") as client:
        form = client.get("/selection/criteria/chain_leader").json()
        assert "main_revenue_yuan" in form["facts_schema"]["properties"]
        assert "entity_id" not in form["facts_schema"]["properties"] and "chain_id" not in form["facts_schema"]["properties"]
        checked = client.post("/selection/criteria/chain_leader/checks", json={
            "chain_id": "sx_photovoltaic", "facts": {"chain_category": "emerging", "main_revenue_yuan": "800000000",
                                                     "provincial_market_rank": 2}})
        assert checked.status_code == 200, checked.text
        results = {r["criterion"]: r["status"] for r in checked.json()["results"]}
        assert results and checked.json()["citation"]["clause_number"] == "10.1"
        assert "met" in results.values()
        wrong = client.post("/selection/criteria/chain_leader/checks", json={
            "chain_id": "sx_photovoltaic", "facts": {"chain_category": "emerging", "main_revenue_yuan": "八亿"}})
        assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "facts.main_revenue_yuan"
        unknown = client.post("/selection/criteria/chain_core/checks", json={"chain_id": "no_such_chain", "facts": {}})
        assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "chain_id"
        assert client.get("/selection/candidacies").json() == []
