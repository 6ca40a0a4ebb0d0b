"""Every cap at its boundary: just below (not capped), at (equal, not capped), above (capped).

Rule under test: an amount equal to the cap's remaining room is paid in full and `capped_by` stays
null; only an amount that the cap lowers reports the cap. Amounts are fen.
"""
from __future__ import annotations

from typing import Any

import pytest

from policies.calculator import calculate
from policies.catalogue import load_catalogue
from policies.errors import CapExhausted

from .conftest import TEST_TABLES, facts, prior

WAN = 1_000_000
COEF = {"lpr_average": "0.05", "investment_coefficient": "2", "revenue_coefficient": "1"}  # 0.1 before uplifts


def referral(completed: str) -> dict:
    return facts("jgx2024-9.2.1", project_id="P1", project_fai_yuan=completed, completed_fai_yuan=completed,
                 phase="one_off", investment_complete=True, in_production=True)


def landing(clause: str, fai: str, **extra: Any) -> dict:
    return facts(clause, project_id="P1", project_fai_yuan=fai, **COEF, **extra)


def suppliers(n: int, clause_id: str = "jgx2024-9.3.1", **extra: Any) -> dict:
    return facts(clause_id, option="new_supplier", base_year_suppliers=[],
                 prior_year_suppliers=[{"supplier_id": f"S{i}", "trade_yuan": "5000000"} for i in range(n)], **extra)


def rate_uplift(base: str) -> dict:
    return facts("jgx2024-9.3.1", option="rate_uplift", collaboration_rate_start_pct="20",
                 collaboration_rate_end_pct="30", collaboration_rate_base_yuan=base)


TARGETED = {"targeted_category": "special_steel_deep_processing"}

# (case id, clause, facts, priors, expected fen, capped_by)
CASES = [
    # 9.2.1 per project 500万: 1% of completed FAI
    ("referral-below", "jgx2024-9.2.1", referral("499999999"), [], 499_999_999, None),
    ("referral-at", "jgx2024-9.2.1", referral("500000000"), [], 500 * WAN, None),
    ("referral-above", "jgx2024-9.2.1", referral("600000000"), [], 500 * WAN, "per_project"),
    # 9.2.2 per project 5000万: FAI × 0.05 × 2 × 1 × 1.1 = FAI × 0.11
    ("landing-below", "jgx2024-9.2.2", landing("jgx2024-9.2.2", "454545454.45"), [], 4_999_999_999, None),  # 49,999,999.9895
    ("landing-at", "jgx2024-9.2.2", landing("jgx2024-9.2.2", "454545454.55"), [], 5_000_000_000, None),    # 50,000,000.0005
    ("landing-above", "jgx2024-9.2.2", landing("jgx2024-9.2.2", "454545454.65"), [], 5_000_000_000, "per_project"),  # .0115
    # 9.2.3 per project 6000万: × 0.121
    ("demo-below", "jgx2024-9.2.3", landing("jgx2024-9.2.3", "495867768.50"), [], 5_999_999_999, None),    # 59,999,999.9885
    ("demo-at", "jgx2024-9.2.3", landing("jgx2024-9.2.3", "495867768.60"), [], 6_000_000_000, None),       # 60,000,000.0006
    ("demo-above", "jgx2024-9.2.3", landing("jgx2024-9.2.3", "495867768.70"), [], 6_000_000_000, "per_project"),
    # 9.5.1 outside a demo zone 6000万 (× 0.121), inside 7000万 (× 0.1331)
    ("targeted-below", "jgx2024-9.5.1", landing("jgx2024-9.5.1", "495867768.50", in_demo_zone=False, **TARGETED), [],
     5_999_999_999, None),
    ("targeted-at", "jgx2024-9.5.1", landing("jgx2024-9.5.1", "495867768.60", in_demo_zone=False, **TARGETED), [],
     6_000_000_000, None),
    ("targeted-above", "jgx2024-9.5.1", landing("jgx2024-9.5.1", "495867768.70", in_demo_zone=False, **TARGETED), [],
     6_000_000_000, "targeted_per_project"),
    ("targeted-zone-below", "jgx2024-9.5.1", landing("jgx2024-9.5.1", "525920360.53", in_demo_zone=True, **TARGETED),
     [], 6_999_999_999, None),                                                                                # 69,999,999.9865
    ("targeted-zone-at", "jgx2024-9.5.1", landing("jgx2024-9.5.1", "525920360.63", in_demo_zone=True, **TARGETED),
     [], 7_000_000_000, None),                                                                                # 69,999,999.99985
    ("targeted-zone-above", "jgx2024-9.5.1", landing("jgx2024-9.5.1", "525920360.73", in_demo_zone=True, **TARGETED),
     [], 7_000_000_000, "targeted_demo_zone_per_project"),
    # 9.3.1 new supplier 500万 in total: 50万 per net new supplier
    ("new-supplier-below", "jgx2024-9.3.1", suppliers(9), [], 450 * WAN, None),
    ("new-supplier-at", "jgx2024-9.3.1", suppliers(10), [], 500 * WAN, None),
    ("new-supplier-above", "jgx2024-9.3.1", suppliers(12), [], 500 * WAN, "new_supplier_cumulative"),
    ("new-supplier-above-with-prior", "jgx2024-9.3.1", suppliers(12),
     [prior("jgx2024-9.3.1", 400 * WAN, year=2024, option="new_supplier")], 100 * WAN, "new_supplier_cumulative"),
    # 9.5.2 potential-leader chain cores, same caps as 9.3.1 (参照第6条)
    ("core-new-supplier-below", "jgx2024-9.5.2-supply", suppliers(9, "jgx2024-9.5.2-supply",
     scenario_chain="new_energy_storage"), [], 450 * WAN, None),
    ("core-new-supplier-at", "jgx2024-9.5.2-supply", suppliers(10, "jgx2024-9.5.2-supply",
     scenario_chain="new_energy_storage"), [], 500 * WAN, None),
    ("core-new-supplier-above", "jgx2024-9.5.2-supply", suppliers(11, "jgx2024-9.5.2-supply",
     scenario_chain="new_energy_storage"), [], 500 * WAN, "new_supplier_cumulative"),
    ("core-stock-above", "jgx2024-9.5.2-supply", facts("jgx2024-9.5.2-supply", option="stock_uplift",
     scenario_chain="synthetic_biology", stock_collaboration_trade_yuan="2000000000"), [], 500 * WAN,
     "stock_uplift_per_year"),
    ("core-rate-above", "jgx2024-9.5.2-supply", facts(
     "jgx2024-9.5.2-supply", option="rate_uplift", scenario_chain="synthetic_biology", collaboration_rate_start_pct="20",
     collaboration_rate_end_pct="30", collaboration_rate_base_yuan="6000000000"), [], 500 * WAN,
     "rate_uplift_per_award"),
    # 9.3.1 stock uplift 500万 a year: test 表3 二档 300万 / 三档 500万 / 四档 700万
    ("stock-below", "jgx2024-9.3.1", facts("jgx2024-9.3.1", option="stock_uplift",
                                           stock_collaboration_trade_yuan="500000000"), [], 300 * WAN, None),
    ("stock-at", "jgx2024-9.3.1", facts("jgx2024-9.3.1", option="stock_uplift",
                                        stock_collaboration_trade_yuan="1000000000"), [], 500 * WAN, None),
    ("stock-above", "jgx2024-9.3.1", facts("jgx2024-9.3.1", option="stock_uplift",
                                           stock_collaboration_trade_yuan="2000000000"), [], 500 * WAN,
     "stock_uplift_per_year"),
    # 9.3.1 rate uplift 500万: +10 points → base × 10% × 1%
    ("rate-uplift-below", "jgx2024-9.3.1", rate_uplift("4999999990"), [], 499_999_999, None),  # 4,999,999.99
    ("rate-uplift-at", "jgx2024-9.3.1", rate_uplift("5000000000"), [], 500 * WAN, None),
    ("rate-uplift-above", "jgx2024-9.3.1", rate_uplift("6000000000"), [], 500 * WAN, "rate_uplift_per_award"),
    # 9.3.2 500万 a year: test 表4 二档 100万 / 三档 500万 / 四档 600万
    ("member-below", "jgx2024-9.3.2", facts("jgx2024-9.3.2", trade_with_leader_yuan="50000000"), [], 100 * WAN, None),
    ("member-at", "jgx2024-9.3.2", facts("jgx2024-9.3.2", trade_with_leader_yuan="200000000"), [], 500 * WAN, None),
    ("member-above", "jgx2024-9.3.2", facts("jgx2024-9.3.2", trade_with_leader_yuan="500000000"), [], 500 * WAN,
     "per_entity_per_year"),
    # 9.3.3 uninsured 200万 per product: 3% of current sales
    ("uninsured-below", "jgx2024-9.3.3-uninsured", facts("jgx2024-9.3.3-uninsured", project_id="EQ",
     product_kind="first_of_kind_equipment", prior_year_invoiced_sales_yuan="10000000",
     current_year_sales_yuan="66666666.33"), [], 199_999_999, None),                          # 1,999,999.9899
    ("uninsured-at", "jgx2024-9.3.3-uninsured", facts("jgx2024-9.3.3-uninsured", project_id="EQ",
     product_kind="first_of_kind_equipment", prior_year_invoiced_sales_yuan="10000000",
     current_year_sales_yuan="66666666.67"), [], 200 * WAN, None),                             # 2,000,000.0001
    ("uninsured-above", "jgx2024-9.3.3-uninsured", facts("jgx2024-9.3.3-uninsured", project_id="EQ",
     product_kind="first_of_kind_equipment", prior_year_invoiced_sales_yuan="10000000",
     current_year_sales_yuan="66666667"), [], 200 * WAN, "per_product"),                       # 2,000,000.01
    # 9.4.1 demo-zone projects: 200万 each, 1000万 per zone a year
    ("demo-project-below", "jgx2024-9.4.1-demo-project", facts("jgx2024-9.4.1-demo-project", project_id="P5"),
     [prior("jgx2024-9.4.1-demo-project", 700 * WAN, project_id="P0")], 200 * WAN, None),
    ("demo-project-at", "jgx2024-9.4.1-demo-project", facts("jgx2024-9.4.1-demo-project", project_id="P5"),
     [prior("jgx2024-9.4.1-demo-project", 800 * WAN, project_id="P0")], 200 * WAN, None),
    ("demo-project-above", "jgx2024-9.4.1-demo-project", facts("jgx2024-9.4.1-demo-project", project_id="P5"),
     [prior("jgx2024-9.4.1-demo-project", 900 * WAN, project_id="P0")], 100 * WAN, "per_zone_per_year"),
    # 9.4.2 100万 per entity a year: 5%
    ("promotion-below", "jgx2024-9.4.2", facts("jgx2024-9.4.2", project_id="T", contract_receipts_yuan="19999999.80"),
     [], 99_999_999, None),
    ("promotion-at", "jgx2024-9.4.2", facts("jgx2024-9.4.2", project_id="T", contract_receipts_yuan="20000000"),
     [], 100 * WAN, None),
    ("promotion-above", "jgx2024-9.4.2", facts("jgx2024-9.4.2", project_id="T", contract_receipts_yuan="20000000.20"),
     [], 100 * WAN, "per_entity_per_year"),
    # 9.4.4 500万 a year: 50%
    ("training-below", "jgx2024-9.4.4", facts("jgx2024-9.4.4", recognition="chain_leader", partner_kind="university",
     training_paid_yuan="9999999.98"), [], 499_999_999, None),
    ("training-at", "jgx2024-9.4.4", facts("jgx2024-9.4.4", recognition="chain_leader", partner_kind="university",
     training_paid_yuan="10000000"), [], 500 * WAN, None),
    ("training-above", "jgx2024-9.4.4", facts("jgx2024-9.4.4", recognition="chain_leader", partner_kind="university",
     training_paid_yuan="10000000.02"), [], 500 * WAN, "per_entity_per_year"),
    # 9.5.2 purchases 500万 a year: 5% of payment
    ("scenario-below", "jgx2024-9.5.2-purchase", facts("jgx2024-9.5.2-purchase", scenario_chain="new_energy_storage",
     purchase_amount_yuan="100000000", paid_yuan="99999999.80"), [], 499_999_999, None),
    ("scenario-at", "jgx2024-9.5.2-purchase", facts("jgx2024-9.5.2-purchase", scenario_chain="new_energy_storage",
     purchase_amount_yuan="100000000", paid_yuan="100000000"), [], 500 * WAN, None),
    ("scenario-above", "jgx2024-9.5.2-purchase", facts("jgx2024-9.5.2-purchase", scenario_chain="new_energy_storage",
     purchase_amount_yuan="100000000", paid_yuan="100000000.20"), [], 500 * WAN, "per_entity_per_year"),
    # 长科发 8.3 and 长办发 第8条: 20万 per achievement, 5%
    ("ckf-below", "ckf2022-8.3", facts("ckf2022-8.3", project_id="A", receipts_yuan="3999999.80"), [], 19_999_999, None),
    ("ckf-at", "ckf2022-8.3", facts("ckf2022-8.3", project_id="A", receipts_yuan="4000000"), [], 20 * WAN, None),
    ("ckf-above", "ckf2022-8.3", facts("ckf2022-8.3", project_id="A", receipts_yuan="4000000.20"), [], 20 * WAN,
     "per_achievement"),
    ("art8-below", "cbf2020-8", facts("cbf2020-8", project_id="A", receipts_yuan="3999999.80"), [], 19_999_999, None),
    ("art8-at", "cbf2020-8", facts("cbf2020-8", project_id="A", receipts_yuan="4000000"), [], 20 * WAN, None),
    ("art8-above", "cbf2020-8", facts("cbf2020-8", project_id="A", receipts_yuan="4000000.20"), [], 20 * WAN,
     "per_achievement"),
    # 第13条 R&D 50万 per enterprise
    ("rd-below", "cbf2020-13-rd", facts("cbf2020-13-rd", enterprise_kind="key_enterprise", rd_investment_yuan="1",
     determined_amount_yuan="499999.99"), [], 49_999_999, None),
    ("rd-at", "cbf2020-13-rd", facts("cbf2020-13-rd", enterprise_kind="key_enterprise", rd_investment_yuan="1",
     determined_amount_yuan="500000"), [], 50 * WAN, None),
    ("rd-above", "cbf2020-13-rd", facts("cbf2020-13-rd", enterprise_kind="key_enterprise", rd_investment_yuan="1",
     determined_amount_yuan="500000.01"), [], 50 * WAN, "per_enterprise"),
    # 第17条 renovation 300万: 20%
    ("renovation-below", "cbf2020-17-renovation", facts("cbf2020-17-renovation", project_id="R",
     renovation_cost_yuan="14999999.95"), [], 299_999_999, None),
    ("renovation-at", "cbf2020-17-renovation", facts("cbf2020-17-renovation", project_id="R",
     renovation_cost_yuan="15000000"), [], 300 * WAN, None),
    ("renovation-above", "cbf2020-17-renovation", facts("cbf2020-17-renovation", project_id="R",
     renovation_cost_yuan="15000000.05"), [], 300 * WAN, "per_project"),
    # 第18条 50万
    ("agency-below", "cbf2020-18", facts("cbf2020-18", determined_amount_yuan="499999.99"), [], 49_999_999, None),
    ("agency-at", "cbf2020-18", facts("cbf2020-18", determined_amount_yuan="500000"), [], 50 * WAN, None),
    ("agency-above", "cbf2020-18", facts("cbf2020-18", determined_amount_yuan="600000"), [], 50 * WAN, "per_award"),
    # 第24条 30万 per deal (10%) and 100万 per firm a year
    ("vc-deal-below", "cbf2020-24", facts("cbf2020-24", project_id="D", investment_received_yuan="2999999.90"), [],
     29_999_999, None),
    ("vc-deal-at", "cbf2020-24", facts("cbf2020-24", project_id="D", investment_received_yuan="3000000"), [],
     30 * WAN, None),
    ("vc-deal-above", "cbf2020-24", facts("cbf2020-24", project_id="D", investment_received_yuan="3000000.10"), [],
     30 * WAN, "per_deal"),
    ("vc-year-below", "cbf2020-24", facts("cbf2020-24", project_id="D", investment_received_yuan="3000000"),
     [prior("cbf2020-24", 60 * WAN, project_id="D0")], 30 * WAN, None),
    ("vc-year-at", "cbf2020-24", facts("cbf2020-24", project_id="D", investment_received_yuan="3000000"),
     [prior("cbf2020-24", 70 * WAN, project_id="D0")], 30 * WAN, None),
    ("vc-year-above", "cbf2020-24", facts("cbf2020-24", project_id="D", investment_received_yuan="3000000"),
     [prior("cbf2020-24", 80 * WAN, project_id="D0")], 20 * WAN, "per_firm_per_year"),
    # 第26条 loans: 30万 individual, 300万 SME
    ("loan-individual-below", "cbf2020-26", facts("cbf2020-26", borrower_kind="individual",
     loan_principal_yuan="299999.99", term_months=36), [], 29_999_999, None),
    ("loan-individual-at", "cbf2020-26", facts("cbf2020-26", borrower_kind="individual",
     loan_principal_yuan="300000", term_months=36), [], 30 * WAN, None),
    ("loan-individual-above", "cbf2020-26", facts("cbf2020-26", borrower_kind="individual",
     loan_principal_yuan="300000.01", term_months=36), [], 30 * WAN, "individual_max"),
    ("loan-sme-below", "cbf2020-26", facts("cbf2020-26", borrower_kind="sme",
     loan_principal_yuan="2999999.99", term_months=24), [], 299_999_999, None),
    ("loan-sme-at", "cbf2020-26", facts("cbf2020-26", borrower_kind="sme",
     loan_principal_yuan="3000000", term_months=24), [], 300 * WAN, None),
    ("loan-sme-above", "cbf2020-26", facts("cbf2020-26", borrower_kind="sme",
     loan_principal_yuan="3500000", term_months=24), [], 300 * WAN, "sme_max"),
    # 晋企发 12.2 200万 per entity a year: 20%
    ("ip-below", "jqf2022-12.2", facts("jqf2022-12.2", project_id="IP", outcome="scaled_up",
     transaction_amount_yuan="9999999.95"), [], 199_999_999, None),
    ("ip-at", "jqf2022-12.2", facts("jqf2022-12.2", project_id="IP", outcome="scaled_up",
     transaction_amount_yuan="10000000"), [], 200 * WAN, None),
    ("ip-above", "jqf2022-12.2", facts("jqf2022-12.2", project_id="IP", outcome="scaled_up",
     transaction_amount_yuan="10000000.05"), [], 200 * WAN, "per_entity_per_year"),
]


@pytest.mark.parametrize("clause_id, given, priors, expected_fen, capped_by",
                         [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_cap_boundary(clause_id, given, priors, expected_fen, capped_by):
    d = calculate(clause_id, given, priors, TEST_TABLES)
    assert (d.amount_fen, d.capped_by) == (expected_fen, capped_by)
    if capped_by:
        assert any(capped_by and "按上限核定" in s.description for s in d.steps)


def test_every_cap_with_an_amount_has_boundary_cases():
    covered = {(case[1], case[5]) for case in CASES if case[5]}
    for clause in load_catalogue():
        for cap in clause.caps:
            if cap.amount_yuan is not None:
                assert (clause.id, cap.name) in covered, (clause.id, cap.name)


def test_a_cap_used_up_by_prior_awards_raises_cap_exhausted():
    with pytest.raises(CapExhausted) as raised:
        calculate("jgx2024-9.4.1-demo-project", facts("jgx2024-9.4.1-demo-project", project_id="P5"),
                  [prior("jgx2024-9.4.1-demo-project", 1000 * WAN, project_id="P0")])
    assert (raised.value.cap, raised.value.limit_fen, raised.value.used_fen) == ("per_zone_per_year", 1000 * WAN,
                                                                               1000 * WAN)


def test_prior_awards_of_other_entities_years_or_projects_do_not_use_the_cap():
    others = [prior("jgx2024-9.4.1-demo-project", 1000 * WAN, entity_id="OTHER-ZONE", project_id="X1"),
              prior("jgx2024-9.4.1-demo-project", 1000 * WAN, year=2024, project_id="X2")]
    d = calculate("jgx2024-9.4.1-demo-project", facts("jgx2024-9.4.1-demo-project", project_id="P5"), others)
    assert (d.amount_fen, d.capped_by) == (200 * WAN, None)
