"""Worked examples for 晋工信新材料规字〔2024〕1号 (seed 004 §9), arithmetic written out.

Amounts in expectations are fen (分): 1万元 = 1_000_000 fen. Tier tables are TEST DATA (conftest).
"""
from __future__ import annotations

import pytest

from policies.calculator import calculate
from policies.errors import NotEligible, TableUnavailable

from .conftest import JGX, TEST_TABLES, facts, prior

WAN = 1_000_000  # fen in 1万元

LANDING = {"lpr_average": "0.0345", "investment_coefficient": "1.2", "revenue_coefficient": "1.1"}


def supplier(i: int, trade: str) -> dict:
    return {"supplier_id": f"S{i}", "trade_yuan": trade}


# 9.1.1 ---------------------------------------------------------------------------------------

def test_recognition_award_is_100_wan_for_a_chain_leader_and_50_wan_for_a_chain_core():
    leader = calculate("jgx2024-9.1.1", facts("jgx2024-9.1.1", recognition="chain_leader"))
    core = calculate("jgx2024-9.1.1", facts("jgx2024-9.1.1", recognition="chain_core"))
    assert (leader.amount_fen, leader.amount_yuan) == (100 * WAN, "1000000.00")
    assert core.amount_fen == 50 * WAN
    assert leader.citation.document_number == JGX and leader.citation.clause_number == "9.1.1"


def test_recognition_award_is_one_off_per_recognition():
    first = calculate("jgx2024-9.1.1", facts("jgx2024-9.1.1", recognition="chain_core"))
    with pytest.raises(NotEligible) as raised:
        calculate("jgx2024-9.1.1", facts("jgx2024-9.1.1", recognition="chain_core", year=2026),
                  [first.to_prior_award()])
    assert raised.value.rule == "already_awarded"
    promoted = calculate("jgx2024-9.1.1", facts("jgx2024-9.1.1", recognition="chain_leader", year=2026),
                         [first.to_prior_award()])
    assert promoted.amount_fen == 100 * WAN


# 9.1.2 ---------------------------------------------------------------------------------------

def test_revenue_tier_award_needs_table_1_and_names_it_when_missing():
    with pytest.raises(TableUnavailable) as raised:
        calculate("jgx2024-9.1.2", facts("jgx2024-9.1.2", recognition="chain_leader",
                                         chain_revenue_yuan="35000000000"))
    assert raised.value.table == "表1" and raised.value.document_number == JGX


def test_revenue_tier_award_pays_the_highest_tier_reached_without_adding_lower_tiers():
    # test 表1: 一档 ≥100亿 → 100万; 二档 ≥300亿 → 200万. 350亿 reaches 二档 → 200万 (not 100万 + 200万)
    d = calculate("jgx2024-9.1.2", facts("jgx2024-9.1.2", recognition="chain_leader",
                                         chain_revenue_yuan="35000000000"), tables=TEST_TABLES)
    assert (d.amount_fen, d.tier, d.option) == (200 * WAN, "二档", "chain_leader")


def test_a_chain_core_uses_table_2():
    # test 表2: 一档 ≥10亿 → 30万
    d = calculate("jgx2024-9.1.2", facts("jgx2024-9.1.2", recognition="chain_core",
                                         chain_revenue_yuan="1000000000"), tables=TEST_TABLES)
    assert d.amount_fen == 30 * WAN


def test_each_revenue_tier_is_paid_once_and_a_higher_tier_later_is_paid_in_full():
    earlier = prior("jgx2024-9.1.2", 100 * WAN, year=2024, tier="一档", option="chain_leader")
    with pytest.raises(NotEligible) as raised:
        calculate("jgx2024-9.1.2", facts("jgx2024-9.1.2", recognition="chain_leader",
                                         chain_revenue_yuan="20000000000"), [earlier], TEST_TABLES)
    assert raised.value.rule == "already_awarded"
    # first time reaching 三档 (≥500亿 → 300万): the tier's amount, 300万
    d = calculate("jgx2024-9.1.2", facts("jgx2024-9.1.2", recognition="chain_leader",
                                         chain_revenue_yuan="50000000000"), [earlier], TEST_TABLES)
    assert d.amount_fen == 300 * WAN


def test_revenue_tier_award_excludes_the_tech_reform_revenue_award_in_the_same_year():
    tech_reform = prior("external:tech-reform", 80 * WAN, benefit_id="tech_reform_revenue_increment")
    with pytest.raises(NotEligible) as raised:
        calculate("jgx2024-9.1.2", facts("jgx2024-9.1.2", recognition="chain_leader",
                                         chain_revenue_yuan="35000000000"), [tech_reform], TEST_TABLES)
    assert raised.value.rule == "exclusive"
    next_year = calculate("jgx2024-9.1.2", facts("jgx2024-9.1.2", year=2026, recognition="chain_leader",
                                                 chain_revenue_yuan="35000000000"), [tech_reform], TEST_TABLES)
    assert next_year.amount_fen == 200 * WAN


def test_revenue_below_the_first_tier_is_not_eligible():
    with pytest.raises(NotEligible) as raised:
        calculate("jgx2024-9.1.2", facts("jgx2024-9.1.2", recognition="chain_leader",
                                         chain_revenue_yuan="9999999999.99"), tables=TEST_TABLES)
    assert raised.value.rule == "threshold"


# 9.2.1 (two-phase details in test_referral.py) ----------------------------------------------

def test_referral_award_one_off_is_one_percent_of_completed_fai():
    # 1% × 3.2亿 = 320万
    d = calculate("jgx2024-9.2.1", facts("jgx2024-9.2.1", project_id="P1", project_fai_yuan="320000000",
                                         completed_fai_yuan="320000000", phase="one_off",
                                         investment_complete=True, in_production=True))
    assert (d.amount_fen, d.option, d.capped_by) == (320 * WAN, "one_off", None)


# 9.2.2 / 9.2.3 / 9.5.1 ----------------------------------------------------------------------

def test_landing_award_formula_with_one_uplift():
    # 4亿 × (0.0345 × 1.2 × 1.1 × 1.1) = 4亿 × 0.050094 = 20,037,600.00
    d = calculate("jgx2024-9.2.2", facts("jgx2024-9.2.2", project_id="P1", project_fai_yuan="400000000",
                                         **LANDING))
    assert d.amount_fen == 2_003_760_000


def test_demo_zone_landing_award_adds_a_second_uplift():
    # 4亿 × (0.0345 × 1.2 × 1.1 × 1.1 × 1.1) = 4亿 × 0.0551034 = 22,041,360.00
    d = calculate("jgx2024-9.2.3", facts("jgx2024-9.2.3", project_id="P1", project_fai_yuan="400000000",
                                         **LANDING))
    assert d.amount_fen == 2_204_136_000


def test_targeted_support_uplifts_twice_or_three_times_in_a_demo_zone():
    base = facts("jgx2024-9.5.1", project_id="P1", project_fai_yuan="400000000",
                 targeted_category="photovoltaic_major_project", **LANDING)
    outside = calculate("jgx2024-9.5.1", {**base, "in_demo_zone": False})
    inside = calculate("jgx2024-9.5.1", {**base, "in_demo_zone": True})
    # outside: 0.04554 × 1.21 = 0.0551034 → 22,041,360.00 ; inside: 0.04554 × 1.331 = 0.06061374 → 24,245,496.00
    assert outside.amount_fen == 2_204_136_000 and outside.option == "outside_demo_zone"
    assert inside.amount_fen == 2_424_549_600 and inside.option == "in_demo_zone"


def test_landing_award_needs_fai_of_3000_wan_or_more():
    below = facts("jgx2024-9.2.2", project_id="P1", project_fai_yuan="29999999.99", **LANDING)
    with pytest.raises(NotEligible) as raised:
        calculate("jgx2024-9.2.2", below)
    assert raised.value.rule == "threshold" and "3000万元以上" in raised.value.reason
    # exactly 3000万: 3000万 × 0.050094 = 1,502,820.00
    at = calculate("jgx2024-9.2.2", {**below, "project_fai_yuan": "30000000"})
    assert at.amount_fen == 150_282_000


def test_a_project_gets_only_one_landing_award_across_9_2_2_9_2_3_and_9_5_1():
    first = calculate("jgx2024-9.2.2", facts("jgx2024-9.2.2", project_id="P1", project_fai_yuan="400000000",
                                             **LANDING))
    with pytest.raises(NotEligible) as raised:
        calculate("jgx2024-9.2.3", facts("jgx2024-9.2.3", project_id="P1", project_fai_yuan="400000000",
                                         **LANDING), [first.to_prior_award()])
    assert raised.value.rule == "already_awarded"


# 9.3.1 / 9.5.2 supply collaboration ---------------------------------------------------------

def new_supplier_facts(clause_id: str = "jgx2024-9.3.1", **values) -> dict:
    return facts(clause_id, option="new_supplier",
                 base_year_suppliers=[supplier(1, "6000000"), supplier(2, "4500000")],
                 prior_year_suppliers=[supplier(1, "6000000"), supplier(2, "5000000"), supplier(3, "8000000"),
                                       supplier(4, "4999999.99")], **values)


def test_new_supplier_award_is_50_wan_per_net_new_supplier_with_at_least_500_wan_trade():
    # ≥500万: 2021 base → S1 (1 户); prior year → S1, S2 (exactly 500万), S3 (3 户); S4 below.
    # net 3 − 1 = 2 户 × 50万 = 100万
    d = calculate("jgx2024-9.3.1", new_supplier_facts())
    assert (d.amount_fen, d.option) == (100 * WAN, "new_supplier")


def test_new_suppliers_already_rewarded_are_not_rewarded_again():
    earlier = prior("jgx2024-9.3.1", 50 * WAN, year=2024, option="new_supplier")
    d = calculate("jgx2024-9.3.1", new_supplier_facts(), [earlier])
    assert d.amount_fen == 50 * WAN  # net 2, 1 already paid → 1 × 50万


def test_stock_uplift_uses_table_3():
    # test 表3: 二档 ≥5亿 → 300万
    d = calculate("jgx2024-9.3.1", facts("jgx2024-9.3.1", option="stock_uplift",
                                         stock_collaboration_trade_yuan="600000000"), tables=TEST_TABLES)
    assert (d.amount_fen, d.tier) == (300 * WAN, "二档")


def test_rate_uplift_pays_one_percent_of_the_trade_behind_each_full_five_points():
    # 30% → 42%: +12 points = 2 full steps of 5 → 10 points; 20亿 × 10% = 2亿; 2亿 × 1% = 200万
    d = calculate("jgx2024-9.3.1", facts("jgx2024-9.3.1", option="rate_uplift", collaboration_rate_start_pct="30",
                                         collaboration_rate_end_pct="42",
                                         collaboration_rate_base_yuan="2000000000"))
    assert d.amount_fen == 200 * WAN


def test_rate_uplift_below_five_points_is_not_eligible():
    with pytest.raises(NotEligible):
        calculate("jgx2024-9.3.1", facts("jgx2024-9.3.1", option="rate_uplift", collaboration_rate_start_pct="30",
                                         collaboration_rate_end_pct="34.99",
                                         collaboration_rate_base_yuan="2000000000"))


def test_only_one_of_the_three_supply_options_in_a_year():
    earlier = prior("jgx2024-9.3.1", 100 * WAN, option="new_supplier")
    with pytest.raises(NotEligible) as raised:
        calculate("jgx2024-9.3.1", facts("jgx2024-9.3.1", option="stock_uplift",
                                         stock_collaboration_trade_yuan="600000000"), [earlier], TEST_TABLES)
    assert raised.value.rule == "exclusive"


def test_potential_leader_chain_cores_use_the_same_supply_award():
    d = calculate("jgx2024-9.5.2-supply", new_supplier_facts("jgx2024-9.5.2-supply",
                                                              scenario_chain="new_energy_storage"))
    assert d.amount_fen == 100 * WAN and d.benefit_id == "leader_supply_collaboration"


# 9.3.2 ---------------------------------------------------------------------------------------

def test_chain_member_supply_award_uses_table_4():
    # test 表4: 二档 ≥5000万 → 100万
    d = calculate("jgx2024-9.3.2", facts("jgx2024-9.3.2", trade_with_leader_yuan="60000000"), tables=TEST_TABLES)
    assert d.amount_fen == 100 * WAN


# 9.3.3 ---------------------------------------------------------------------------------------

def test_insured_first_of_kind_product_gets_the_national_premium_subsidy_amount():
    d = calculate("jgx2024-9.3.3-insured", facts("jgx2024-9.3.3-insured", project_id="EQ-1",
                                                 product_kind="first_of_kind_equipment",
                                                 national_premium_subsidy_yuan="1234567.80"))
    assert d.amount_fen == 123_456_780


def test_uninsured_product_gets_up_to_3_percent_of_current_sales():
    base = facts("jgx2024-9.3.3-uninsured", project_id="EQ-1", product_kind="first_batch_material",
                 prior_year_invoiced_sales_yuan="12000000", current_year_sales_yuan="34560000")
    assert calculate("jgx2024-9.3.3-uninsured", base).amount_fen == 103_680_000            # 3% × 3456万 = 103.68万
    assert calculate("jgx2024-9.3.3-uninsured", {**base, "rate": "0.02"}).amount_fen == 69_120_000  # 2% → 69.12万


def test_uninsured_product_needs_prior_year_sales_of_at_least_1000_wan():
    base = facts("jgx2024-9.3.3-uninsured", project_id="EQ-1", product_kind="first_batch_material",
                 prior_year_invoiced_sales_yuan="9999999.99", current_year_sales_yuan="34560000")
    with pytest.raises(NotEligible):
        calculate("jgx2024-9.3.3-uninsured", base)
    assert calculate("jgx2024-9.3.3-uninsured", {**base, "prior_year_invoiced_sales_yuan": "10000000"}).amount_fen


def test_a_product_gets_one_first_of_kind_award_whether_insured_or_not():
    insured = calculate("jgx2024-9.3.3-insured", facts("jgx2024-9.3.3-insured", project_id="EQ-1",
                                                       product_kind="first_of_kind_equipment",
                                                       national_premium_subsidy_yuan="500000"))
    with pytest.raises(NotEligible):
        calculate("jgx2024-9.3.3-uninsured", facts("jgx2024-9.3.3-uninsured", project_id="EQ-1",
                                                   product_kind="first_of_kind_equipment",
                                                   prior_year_invoiced_sales_yuan="20000000",
                                                   current_year_sales_yuan="20000000"),
                  [insured.to_prior_award()])


def test_purchaser_award_uses_table_5_for_equipment_and_table_6_for_materials():
    equipment = calculate("jgx2024-9.3.3-purchaser", facts("jgx2024-9.3.3-purchaser", product_kind="first_of_kind_equipment",
                                                           payment_yuan="25000000"), tables=TEST_TABLES)
    material = calculate("jgx2024-9.3.3-purchaser", facts("jgx2024-9.3.3-purchaser", product_kind="first_batch_material",
                                                          payment_yuan="5000000"), tables=TEST_TABLES)
    assert equipment.amount_fen == 40 * WAN   # test 表5 二档 ≥2000万 → 40万
    assert material.amount_fen == 5 * WAN     # test 表6 一档 ≥200万 → 5万


def test_purchaser_award_without_table_6_names_table_6():
    with pytest.raises(TableUnavailable) as raised:
        calculate("jgx2024-9.3.3-purchaser", facts("jgx2024-9.3.3-purchaser", product_kind="first_batch_material",
                                                   payment_yuan="5000000"))
    assert raised.value.table == "表6"


# 9.4.1 ---------------------------------------------------------------------------------------

def test_zone_share_tiers_accumulate_from_the_lowest():
    # 45亿 / 100亿 = 45% ≥ 20%, ≥ 40% → 50万 + 100万 = 150万
    d = calculate("jgx2024-9.4.1-share", facts("jgx2024-9.4.1-share", lead_chain_revenue_yuan="4500000000",
                                               zone_revenue_yuan="10000000000"))
    assert (d.amount_fen, d.tier) == (150 * WAN, "40")


def test_zone_share_tiers_already_paid_are_not_paid_again():
    # paid 20% tier before; now 60%: 100万 (40%) + 150万 (60%) = 250万
    d = calculate("jgx2024-9.4.1-share", facts("jgx2024-9.4.1-share", lead_chain_revenue_yuan="6000000000",
                                               zone_revenue_yuan="10000000000"),
                  [prior("jgx2024-9.4.1-share", 50 * WAN, year=2024, tier="20")])
    assert d.amount_fen == 250 * WAN


def test_zone_share_just_below_20_percent_is_not_eligible():
    with pytest.raises(NotEligible):
        calculate("jgx2024-9.4.1-share", facts("jgx2024-9.4.1-share", lead_chain_revenue_yuan="1999999999.99",
                                               zone_revenue_yuan="10000000000"))


def test_zone_gets_50_wan_per_provincial_chain_leader_cultivated_once_each():
    first = calculate("jgx2024-9.4.1-leader", facts("jgx2024-9.4.1-leader", project_id="LEADER-A"))
    second = calculate("jgx2024-9.4.1-leader", facts("jgx2024-9.4.1-leader", project_id="LEADER-B"),
                       [first.to_prior_award()])
    assert first.amount_fen == second.amount_fen == 50 * WAN
    with pytest.raises(NotEligible):
        calculate("jgx2024-9.4.1-leader", facts("jgx2024-9.4.1-leader", project_id="LEADER-A", year=2026),
                  [first.to_prior_award()])


def test_demo_zone_designations_accumulate_at_100_wan_per_chain():
    first = calculate("jgx2024-9.4.1-demo-zone", facts("jgx2024-9.4.1-demo-zone", project_id="sx_photovoltaic"))
    second = calculate("jgx2024-9.4.1-demo-zone", facts("jgx2024-9.4.1-demo-zone", project_id="sx_special_steel"),
                       [first.to_prior_award()])
    assert first.amount_fen + second.amount_fen == 200 * WAN


def test_demo_zone_project_in_production_is_200_wan():
    d = calculate("jgx2024-9.4.1-demo-project", facts("jgx2024-9.4.1-demo-project", project_id="P9"))
    assert d.amount_fen == 200 * WAN


# 9.4.2 – 9.4.4 -------------------------------------------------------------------------------

def test_tech_promotion_award_is_5_percent_of_contract_receipts():
    # 5% × 860万 = 43万
    d = calculate("jgx2024-9.4.2", facts("jgx2024-9.4.2", project_id="T1", contract_receipts_yuan="8600000"))
    assert d.amount_fen == 43 * WAN


def test_tech_promotion_project_is_rewarded_to_one_legal_entity():
    first = calculate("jgx2024-9.4.2", facts("jgx2024-9.4.2", project_id="T1", contract_receipts_yuan="8600000"))
    with pytest.raises(NotEligible) as raised:
        calculate("jgx2024-9.4.2", facts("jgx2024-9.4.2", entity_id="OTHER", project_id="T1",
                                         contract_receipts_yuan="100000"), [first.to_prior_award()])
    assert raised.value.rule == "one_recipient"


def test_tech_promotion_award_is_one_off_per_project():
    first = calculate("jgx2024-9.4.2", facts("jgx2024-9.4.2", project_id="T1", contract_receipts_yuan="8600000"))
    with pytest.raises(NotEligible) as raised:
        calculate("jgx2024-9.4.2", facts("jgx2024-9.4.2", project_id="T1", contract_receipts_yuan="100000",
                                         year=2026), [first.to_prior_award()])
    assert raised.value.rule == "already_awarded"


def test_excellent_chain_leader_evaluation_is_300_wan_once_a_year():
    first = calculate("jgx2024-9.4.3", facts("jgx2024-9.4.3"))
    assert first.amount_fen == 300 * WAN
    with pytest.raises(NotEligible):
        calculate("jgx2024-9.4.3", facts("jgx2024-9.4.3"), [first.to_prior_award()])


def test_excellent_evaluation_requires_the_excellent_rating():
    with pytest.raises(NotEligible) as raised:
        calculate("jgx2024-9.4.3", facts("jgx2024-9.4.3", evaluated_excellent=False))
    assert "优秀" in raised.value.reason


def test_talent_training_award_is_half_of_the_training_paid():
    # 50% × 1,234,500.00 = 617,250.00
    d = calculate("jgx2024-9.4.4", facts("jgx2024-9.4.4", recognition="chain_core", partner_kind="vocational_college",
                                         training_paid_yuan="1234500"))
    assert d.amount_fen == 61_725_000


# 9.5.2 ---------------------------------------------------------------------------------------

def test_scenario_purchase_award_is_5_percent_of_payment_for_purchases_of_2000_wan_or_more():
    # purchase 2500万 ≥ 2000万; 5% × paid 2400万 = 120万
    d = calculate("jgx2024-9.5.2-purchase", facts("jgx2024-9.5.2-purchase", scenario_chain="synthetic_biology",
                                                  purchase_amount_yuan="25000000", paid_yuan="24000000"))
    assert d.amount_fen == 120 * WAN
    with pytest.raises(NotEligible):
        calculate("jgx2024-9.5.2-purchase", facts("jgx2024-9.5.2-purchase", scenario_chain="synthetic_biology",
                                                  purchase_amount_yuan="19999999.99", paid_yuan="19999999.99"))
