"""Facts validation, prior awards and the shape of a determination."""
from __future__ import annotations

import json
from decimal import Decimal

import jsonschema
import pytest
from pydantic import ValidationError

from policies.calculator import (
    ROUNDING_RULE,
    PriorAward,
    calculate,
    facts_model,
    facts_schema,
    validate_facts,
)
from policies.catalogue import load_catalogue
from policies.errors import FactsInvalid, NotEligible, UnknownClause

from .conftest import facts, prior


def test_determination_carries_amount_citation_steps_and_rounding():
    d = calculate("cbf2020-24", facts("cbf2020-24", project_id="D1", investment_received_yuan="2500000"))
    dumped = json.loads(d.model_dump_json())
    assert dumped["amount_yuan"] == "250000.00" and dumped["amount_fen"] == 25_000_000
    assert dumped["citation"] == {"document_number": "长办发〔2020〕17号",
                                  "document_title": load_catalogue().get("cbf2020-24").document_title,
                                  "clause_number": "第24条"}
    assert dumped["rounding"] == ROUNDING_RULE and "四舍五入" in ROUNDING_RULE
    assert dumped["steps"][-1]["value"] == "250000.00"
    assert dumped["capped_by"] is None


def test_determination_is_frozen():
    d = calculate("cbf2020-13-patent", facts("cbf2020-13-patent", project_id="ZL1"))
    with pytest.raises(ValidationError):
        d.amount_fen = 1


def test_missing_negative_float_and_unknown_facts_are_all_reported_in_chinese():
    with pytest.raises(FactsInvalid) as raised:
        calculate("cbf2020-24", {"entity_id": "E", "year": 2025, "project_id": "D",
                                 "investment_received_yuan": -5, "is_venture_capital_firm": "yes",
                                 "investee_early_stage_in_city": True, "investmnt": 1})
    fields = {p.field: p.reason for p in raised.value.problems}
    assert "不得为负数" in fields["investment_received_yuan"]
    assert "true 或 false" in fields["is_venture_capital_firm"]
    assert "不认识的字段" in fields["investmnt"]
    with pytest.raises(FactsInvalid) as raised:
        calculate("cbf2020-24", facts("cbf2020-24", project_id="D", investment_received_yuan=2500000.0))
    assert "浮点数" in raised.value.reason
    with pytest.raises(FactsInvalid) as raised:
        calculate("cbf2020-24", facts("cbf2020-24", project_id="D"))
    assert raised.value.field == "investment_received_yuan" and "缺少必填项" in raised.value.reason


def test_missing_landing_coefficients_say_where_they_come_from():
    with pytest.raises(FactsInvalid) as raised:
        calculate("jgx2024-9.2.2", facts("jgx2024-9.2.2", project_id="P", project_fai_yuan="400000000"))
    reasons = {p.field: p.reason for p in raised.value.problems}
    assert set(reasons) == {"lpr_average", "investment_coefficient", "revenue_coefficient"}
    assert all("技术改造项目支持标准" in r for r in reasons.values())


def test_an_lpr_written_as_a_percentage_is_refused():
    with pytest.raises(FactsInvalid) as raised:
        calculate("jgx2024-9.2.2", facts("jgx2024-9.2.2", project_id="P", project_fai_yuan="400000000",
                                         lpr_average="3.45", investment_coefficient="1", revenue_coefficient="1"))
    assert raised.value.field == "lpr_average"


def test_facts_must_be_a_mapping():
    with pytest.raises(FactsInvalid):
        calculate("cbf2020-24", ["not", "a", "mapping"])


def test_unknown_clause():
    with pytest.raises(UnknownClause):
        calculate("nope-1", {})


def test_decimal_facts_are_accepted_exactly():
    d = calculate("cbf2020-24", facts("cbf2020-24", project_id="D", investment_received_yuan=Decimal("100.05")))
    assert d.amount_fen == 1_001  # 10% × 100.05 = 10.005 → 10.01 (half-up)


def test_validate_facts_returns_the_typed_model():
    parsed = validate_facts("cbf2020-24", facts("cbf2020-24", project_id="D", investment_received_yuan="2500000"))
    assert parsed.investment_received_yuan == Decimal("2500000")


def test_every_clause_publishes_a_json_schema_that_accepts_a_valid_example():
    schema = facts_schema("cbf2020-24")
    jsonschema.Draft202012Validator.check_schema(schema)
    example = facts("cbf2020-24", project_id="D", investment_received_yuan="2500000")
    jsonschema.validate(example, schema)
    assert "investment_received_yuan" in schema["required"]
    for clause in load_catalogue():
        jsonschema.Draft202012Validator.check_schema(facts_model(clause).model_json_schema())


def test_prior_awards_are_validated():
    with pytest.raises(FactsInvalid) as raised:
        calculate("cbf2020-24", facts("cbf2020-24", project_id="D", investment_received_yuan="1"),
                  [{"clause_id": "cbf2020-24", "benefit_id": "venture_capital_award", "entity_id": "E",
                    "year": 2025, "amount_fen": -1}])
    assert raised.value.field.startswith("prior[0]")


def test_a_prior_with_the_wrong_benefit_for_its_clause_is_refused():
    with pytest.raises(FactsInvalid) as raised:
        calculate("cbf2020-24", facts("cbf2020-24", project_id="D", investment_received_yuan="1"),
                  [prior("cbf2020-24", 100, benefit_id="something_else")])
    assert raised.value.field == "prior[0].benefit_id"


def test_prior_awards_may_be_written_in_yuan():
    award = PriorAward.model_validate({"clause_id": "cbf2020-24", "benefit_id": "venture_capital_award",
                                       "entity_id": "E", "year": 2025, "amount_yuan": "300000.50"})
    assert award.amount_fen == 30_000_050


def test_conditions_declared_false_give_every_unmet_reason():
    with pytest.raises(NotEligible) as raised:
        calculate("cbf2020-17-scale-up", facts("cbf2020-17-scale-up", first_time_above_scale=False,
                                               in_direct_reporting=False))
    assert raised.value.rule == "condition" and len(raised.value.reasons) == 2


def test_a_zero_amount_is_not_a_determination():
    with pytest.raises(NotEligible) as raised:  # 10% of 0.04元 rounds to 0 fen
        calculate("cbf2020-24", facts("cbf2020-24", project_id="D", investment_received_yuan="0.04"))
    assert raised.value.rule == "zero"


def test_a_zero_basis_is_refused_as_a_fact():
    with pytest.raises(FactsInvalid, match="investment_received_yuan：金额须大于0"):
        calculate("cbf2020-24", facts("cbf2020-24", project_id="D", investment_received_yuan="0"))
