"""链主 / 链核 selection criteria and chain-member inclusion (晋政办发〔2023〕44号 10.1–10.2)."""
from __future__ import annotations

import pytest

from policies.criteria import chain_member_inclusion, evaluate
from policies.errors import ChainCategoryUnknown, FactsInvalid
from policies.registry import Chain, load_registry

HYDROGEN = load_registry().chain("cz_hydrogen")  # category not recorded
RECORDED = Chain(id="t_established", name_zh="测试链", region_id="changzhi", level="city", category="established",
                 category_source="测试数据", source="test")


def leader(**values) -> dict:
    base = {"main_revenue_yuan": "5000000000", "national_market_rank": 12,
            "innovation_platforms": [{"name": "省级企业技术中心", "level": "provincial"}],
            "collaborating_enterprise_count": 15, "has_leadership_plan": True, "commits_to_guidelines": True}
    return {**base, **values}


def statuses(result) -> dict[str, str]:
    return {r.criterion: r.status for r in result.results}


def test_established_chain_leader_meeting_every_threshold():
    result = evaluate("chain_leader", HYDROGEN, leader(), category="established")
    assert statuses(result) == {"scale": "met", "market_influence": "met", "innovation": "met",
                                "driving_power": "met", "willingness": "met"}
    assert result.overall == "met" and result.citation.document_number == "晋政办发〔2023〕44号"
    assert result.citation.clause_number == "10.1"


def test_established_chain_leader_just_below_50_yi_and_15_partners():
    result = evaluate("chain_leader", HYDROGEN, leader(main_revenue_yuan="4999999999.99",
                                                       collaborating_enterprise_count=14), category="established")
    assert statuses(result)["scale"] == "not_met" and "50亿元" in result.results[0].reason_zh
    assert statuses(result)["driving_power"] == "not_met" and result.overall == "not_met"


def test_emerging_chain_leader_thresholds_are_5_yi_and_5_partners():
    result = evaluate("chain_leader", HYDROGEN, leader(main_revenue_yuan="500000000", collaborating_enterprise_count=5),
                      category="emerging")
    assert statuses(result)["scale"] == "met" and statuses(result)["driving_power"] == "met"
    low = evaluate("chain_leader", HYDROGEN, leader(main_revenue_yuan="499999999.99"), category="emerging")
    assert statuses(low)["scale"] == "not_met" and "5亿元" in low.results[0].reason_zh


def test_market_influence_by_national_top_15_or_provincial_top_5():
    assert statuses(evaluate("chain_leader", HYDROGEN, leader(national_market_rank=16, provincial_market_rank=5),
                             category="emerging"))["market_influence"] == "met"
    assert statuses(evaluate("chain_leader", HYDROGEN, leader(national_market_rank=16, provincial_market_rank=6),
                             category="emerging"))["market_influence"] == "not_met"


def test_undeclared_qualitative_criteria_need_review():
    facts = leader(national_market_rank=None, has_leadership_plan=None)
    result = evaluate("chain_leader", HYDROGEN, facts, category="emerging")
    assert statuses(result)["market_influence"] == "needs_review"
    assert statuses(result)["willingness"] == "needs_review"
    assert result.overall == "needs_review"


def test_a_city_level_platform_does_not_meet_the_innovation_criterion():
    result = evaluate("chain_leader", HYDROGEN, leader(innovation_platforms=[{"name": "市级中心", "level": "city"}]),
                      category="emerging")
    assert statuses(result)["innovation"] == "not_met"


def test_core_supplier_on_an_established_chain_needs_5_yi_and_over_1000_wan_with_the_leader():
    facts = {"core_type": "core_supplier", "main_revenue_yuan": "500000000", "trade_with_leader_yuan": "10000000",
             "masters_key_technology": True}
    exactly = evaluate("chain_core", HYDROGEN, facts, category="established")
    assert statuses(exactly) == {"scale": "met", "supply_capability": "not_met", "industry_influence": "met"}
    over = evaluate("chain_core", HYDROGEN, {**facts, "trade_with_leader_yuan": "10000000.01"}, category="established")
    assert over.overall == "met" and over.core_type == "core_supplier" and over.citation.clause_number == "10.2"


def test_potential_leader_on_an_emerging_chain_needs_5000_wan_and_five_partners_over_2000_wan():
    partners = [{"enterprise_id": f"E{i}", "trade_yuan": "4000000"} for i in range(5)]  # 5 × 400万 = 2000万
    facts = {"core_type": "potential_leader", "main_revenue_yuan": "50000000", "chain_enterprise_trades": partners,
             "masters_key_technology": True, "honours": ["national_little_giant"]}
    exactly = evaluate("chain_core", HYDROGEN, facts, category="emerging")
    assert statuses(exactly)["supply_capability"] == "not_met"  # 超过2000万: exactly 2000万 is not enough
    partners[0] = {"enterprise_id": "E0", "trade_yuan": "4000000.01"}
    over = evaluate("chain_core", HYDROGEN, facts, category="emerging")
    assert over.overall == "met"
    assert any("国家级小巨人" in n for n in over.results[-1].priority_notes)
    four = evaluate("chain_core", HYDROGEN, {**facts, "chain_enterprise_trades": partners[:4]}, category="emerging")
    assert statuses(four)["supply_capability"] == "not_met"


def test_an_unknown_chain_category_stops_the_check_unless_given():
    with pytest.raises(ChainCategoryUnknown) as raised:
        evaluate("chain_leader", HYDROGEN, leader())
    assert raised.value.chain_id == "cz_hydrogen" and "氢能产业链" in raised.value.message
    assert evaluate("chain_leader", HYDROGEN, {**leader(), "chain_category": "emerging"}).category == "emerging"


def test_a_recorded_category_is_used_and_a_contradicting_one_refused():
    assert evaluate("chain_leader", RECORDED, leader()).category == "established"
    with pytest.raises(FactsInvalid):
        evaluate("chain_leader", RECORDED, leader(), category="emerging")


def test_invalid_criteria_facts_are_reported():
    with pytest.raises(FactsInvalid) as raised:
        evaluate("chain_core", HYDROGEN, {"main_revenue_yuan": 1.5}, category="emerging")
    fields = {p.field for p in raised.value.problems}
    assert {"core_type", "main_revenue_yuan"} <= fields


NONE_WITH_CHAIN = {"chain_enterprise_trades": []}
NONE_WITH_LEADER = {"trade_with_leader_yuan": "0"}


@pytest.mark.parametrize("facts, overall", [
    ({"trade_with_leader_yuan": "1000000", **NONE_WITH_CHAIN}, "met"),   # 100万元以上 includes 100万
    ({"trade_with_leader_yuan": "999999.99", **NONE_WITH_CHAIN}, "not_met"),
    ({"chain_enterprise_trades": [{"enterprise_id": f"E{i}", "trade_yuan": "400000"} for i in range(5)],
      **NONE_WITH_LEADER}, "not_met"),                                    # 5 × 40万 = 200万, not 超过
    ({"chain_enterprise_trades": [{"enterprise_id": f"E{i}", "trade_yuan": "400000.01"} for i in range(5)],
      **NONE_WITH_LEADER}, "met"),
    ({"chain_enterprise_trades": [{"enterprise_id": f"E{i}", "trade_yuan": "9000000"} for i in range(4)],
      **NONE_WITH_LEADER}, "not_met"),                                    # only 4 enterprises
    ({"trade_with_leader_yuan": "999999.99"}, "needs_review"),            # other route not declared
    ({}, "needs_review"),
])
def test_chain_member_inclusion(facts, overall):
    result = chain_member_inclusion(facts)
    assert result.overall == overall and result.kind == "chain_member"
