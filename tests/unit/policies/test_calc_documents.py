"""Worked examples for 长科发〔2022〕5号, 长办发〔2020〕17号, 晋企发〔2022〕23号 and 长发〔2018〕28号.

Amounts in expectations are fen: 1万元 = 1_000_000 fen, 1元 = 100 fen.
"""
from __future__ import annotations

import pytest

from policies.calculator import calculate
from policies.errors import FactsInvalid, NotEligible

from .conftest import facts, prior

WAN = 1_000_000


# 长科发〔2022〕5号 8.3 and 长办发〔2020〕17号 第8条 — one subsidy ---------------------------------

def test_tech_transfer_subsidy_is_5_percent_of_receipts_rounded_half_up_to_the_fen():
    # 5% × 1,234,567.89 = 61,728.3945 → 61,728.39
    d = calculate("ckf2022-8.3", facts("ckf2022-8.3", project_id="ACH-1", receipts_yuan="1234567.89"))
    assert (d.amount_fen, d.amount_yuan) == (6_172_839, "61728.39")
    assert any("四舍五入" in s.description for s in d.steps)


def test_tech_transfer_subsidy_requires_all_four_conditions_of_8_2():
    with pytest.raises(NotEligible) as raised:
        calculate("ckf2022-8.3", facts("ckf2022-8.3", project_id="ACH-1", receipts_yuan="100000",
                                       ownership_clear=False, financial_management_sound=False))
    assert len(raised.value.reasons) == 2 and "权属明确" in raised.value.reason


def test_platform_filing_is_reported_as_a_priority_not_a_condition():
    d = calculate("ckf2022-8.3", facts("ckf2022-8.3", project_id="ACH-1", receipts_yuan="100000",
                                       platform_transaction_filed=True))
    assert d.amount_fen == 5_000 * 100  # 5% × 10万 = 5000元
    assert any(s.description.startswith("优先支持") for s in d.steps)


def test_art_8_and_its_implementing_rules_share_the_20_wan_per_achievement():
    # 长办发 第8条 paid 15万 for ACH-1; 长科发 5% × 200万 = 10万, only 5万 left under the 20万 cap
    earlier = prior("cbf2020-8", 15 * WAN, project_id="ACH-1", year=2024)
    d = calculate("ckf2022-8.3", facts("ckf2022-8.3", project_id="ACH-1", receipts_yuan="2000000"), [earlier])
    assert (d.amount_fen, d.capped_by) == (5 * WAN, "per_achievement")


def test_art_8_subsidy_worked_example():
    # 5% × 200万 = 10万
    d = calculate("cbf2020-8", facts("cbf2020-8", project_id="ACH-2", receipts_yuan="2000000"))
    assert d.amount_fen == 10 * WAN and d.citation.clause_number == "第8条"


# 第9条 ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("platform_type, level, wan", [
    ("enterprise_tech_center", "national", 50), ("pilot_base", "provincial", 20),
    ("engineering_tech_research_center", "city", 10), ("enterprise_tech_center", "city", 10),
])
def test_new_platforms_get_50_20_or_10_wan_by_level(platform_type, level, wan):
    d = calculate("cbf2020-9-platform", facts("cbf2020-9-platform", project_id="PF-1",
                                              platform_type=platform_type, level=level))
    assert d.amount_fen == wan * WAN


def test_city_level_support_only_for_engineering_tech_centres_and_enterprise_centres():
    with pytest.raises(NotEligible) as raised:
        calculate("cbf2020-9-platform", facts("cbf2020-9-platform", project_id="PF-1",
                                              platform_type="pilot_base", level="city"))
    assert "市级只对" in raised.value.reason


def test_excellent_platform_award_is_10_wan_within_the_10_percent_quota():
    ok = facts("cbf2020-9-excellent", project_id="PF-1", cohort_excellent_count=3, cohort_platform_count=30)
    assert calculate("cbf2020-9-excellent", ok).amount_fen == 10 * WAN  # 3/30 = 10% exactly
    with pytest.raises(NotEligible) as raised:
        calculate("cbf2020-9-excellent", {**ok, "cohort_platform_count": 29})  # 3/29 > 10%
    assert raised.value.rule == "quota"


# 第11条 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("venue, extra, wan", [
    ("shanxi_equity_exchange", {"financing_succeeded": True}, 10), ("neeq", {}, 165), ("a_share_listing", {}, 200),
])
def test_listing_awards_10_165_200_wan(venue, extra, wan):
    d = calculate("cbf2020-11", facts("cbf2020-11", listing_venue=venue, **extra))
    assert d.amount_fen == wan * WAN


def test_shanxi_equity_exchange_listing_needs_financing_declared_and_successful():
    with pytest.raises(FactsInvalid) as missing:
        calculate("cbf2020-11", facts("cbf2020-11", listing_venue="shanxi_equity_exchange"))
    assert missing.value.field == "financing_succeeded"
    with pytest.raises(NotEligible):
        calculate("cbf2020-11", facts("cbf2020-11", listing_venue="shanxi_equity_exchange", financing_succeeded=False))


# 第13条 ---------------------------------------------------------------------------------------

def test_rd_subsidy_is_the_determined_amount_within_50_wan():
    d = calculate("cbf2020-13-rd", facts("cbf2020-13-rd", enterprise_kind="newly_scaled",
                                         rd_investment_yuan="3000000", determined_amount_yuan="350000"))
    assert d.amount_fen == 35 * WAN


def test_invention_patent_award_is_3000_yuan_per_patent_once():
    first = calculate("cbf2020-13-patent", facts("cbf2020-13-patent", project_id="ZL202310000001.2"))
    assert first.amount_fen == 3_000 * 100
    with pytest.raises(NotEligible):
        calculate("cbf2020-13-patent", facts("cbf2020-13-patent", project_id="ZL202310000001.2", year=2026),
                  [first.to_prior_award()])


@pytest.mark.parametrize("level, wan", [("city", 10), ("provincial", 20), ("national", 200)])
def test_specialised_sme_award_10_20_200_wan(level, wan):
    assert calculate("cbf2020-13-sme", facts("cbf2020-13-sme", level=level)).amount_fen == wan * WAN
    assert calculate("cf2018-12.3", facts("cf2018-12.3", level=level)).amount_fen == wan * WAN


def test_specialised_sme_award_is_never_paid_twice_across_the_two_documents():
    city_2020 = calculate("cbf2020-13-sme", facts("cbf2020-13-sme", level="city"))
    with pytest.raises(NotEligible) as raised:
        calculate("cf2018-12.3", facts("cf2018-12.3", level="city", year=2026), [city_2020.to_prior_award()])
    assert raised.value.rule == "already_awarded"
    upgraded = calculate("cf2018-12.3", facts("cf2018-12.3", level="provincial", year=2026),
                         [city_2020.to_prior_award()])
    assert upgraded.amount_fen == 20 * WAN


def test_cost_sharing_clauses_say_so_but_carry_no_ratio():
    from policies.catalogue import load_catalogue

    sharing = load_catalogue().get("cbf2020-13-sme").cost_sharing
    assert sharing.shared_by == ["city", "county"] and "市县财政分担" in sharing.excerpt
    assert not hasattr(sharing, "ratio")


# 第17条 ---------------------------------------------------------------------------------------

def test_carrier_support_is_50_wan_national_30_wan_provincial():
    national = calculate("cbf2020-17-carrier", facts("cbf2020-17-carrier", project_id="C1",
                                                     carrier_type="maker_space", level="national"))
    provincial = calculate("cbf2020-17-carrier", facts("cbf2020-17-carrier", project_id="C2",
                                                       carrier_type="tech_incubator", level="provincial"))
    assert (national.amount_fen, provincial.amount_fen) == (50 * WAN, 30 * WAN)


def test_incubation_award_is_10_wan_per_incubated_enterprise():
    d = calculate("cbf2020-17-incubation", facts("cbf2020-17-incubation", project_id="91140400INCUBATED01"))
    assert d.amount_fen == 10 * WAN


def test_scale_up_award_is_10_wan_once():
    first = calculate("cbf2020-17-scale-up", facts("cbf2020-17-scale-up"))
    assert first.amount_fen == 10 * WAN
    with pytest.raises(NotEligible):
        calculate("cbf2020-17-scale-up", facts("cbf2020-17-scale-up", year=2026), [first.to_prior_award()])


def test_renovation_subsidy_is_20_percent_of_costs():
    # 20% × 860万 = 172万
    d = calculate("cbf2020-17-renovation", facts("cbf2020-17-renovation", project_id="R1",
                                                 renovation_cost_yuan="8600000"))
    assert d.amount_fen == 172 * WAN


# 第18、21、24、25、26条 -------------------------------------------------------------------------

def test_talent_agency_award_is_the_determined_amount():
    d = calculate("cbf2020-18", facts("cbf2020-18", determined_amount_yuan="200000"))
    assert d.amount_fen == 20 * WAN


@pytest.mark.parametrize("kind, level, yuan", [
    ("training_base", "national", 1_000_000), ("master_studio", "national", 100_000),
    ("training_base", "provincial", 500_000), ("master_studio", "provincial", 50_000),
    ("training_base", "city", 200_000), ("master_studio", "city", 20_000),
])
def test_skill_bases_and_master_studios(kind, level, yuan):
    d = calculate("cbf2020-21", facts("cbf2020-21", project_id="B1", base_kind=kind, level=level))
    assert d.amount_fen == yuan * 100


def test_venture_capital_award_is_10_percent_of_the_investment_received():
    # 10% × 250万 = 25万
    d = calculate("cbf2020-24", facts("cbf2020-24", project_id="DEAL-1", investment_received_yuan="2500000"))
    assert d.amount_fen == 25 * WAN


def test_guarantee_fee_subsidy_is_at_most_half_a_percent():
    base = facts("cbf2020-25", project_id="LOAN-1", guaranteed_loan_yuan="2000000")
    assert calculate("cbf2020-25", base).amount_fen == 10_000 * 100            # 0.5% × 200万 = 1万
    assert calculate("cbf2020-25", {**base, "rate": "0.003"}).amount_fen == 6_000 * 100  # 0.3% → 6000元
    with pytest.raises(FactsInvalid) as raised:
        calculate("cbf2020-25", {**base, "rate": "0.006"})
    assert raised.value.field == "rate"


def test_startup_loan_is_a_principal_within_amount_and_term():
    d = calculate("cbf2020-26", facts("cbf2020-26", borrower_kind="sme", loan_principal_yuan="2500000",
                                      term_months=24))
    assert (d.amount_fen, d.amount_kind, d.option) == (250 * WAN, "loan_principal", "sme")
    with pytest.raises(NotEligible):
        calculate("cbf2020-26", facts("cbf2020-26", borrower_kind="sme", loan_principal_yuan="2500000",
                                      term_months=25))
    assert calculate("cbf2020-26", facts("cbf2020-26", borrower_kind="individual", loan_principal_yuan="200000",
                                         term_months=36)).amount_fen == 20 * WAN


# 晋企发〔2022〕23号 12.2 ---------------------------------------------------------------------------

def test_ip_transaction_subsidy_is_up_to_20_percent():
    # 20% × 300万 = 60万
    d = calculate("jqf2022-12.2", facts("jqf2022-12.2", project_id="IP-1", outcome="provincial_little_giant",
                                        transaction_amount_yuan="3000000"))
    assert d.amount_fen == 60 * WAN


# 长发〔2018〕28号 13 ------------------------------------------------------------------------------

@pytest.mark.parametrize("level, wan", [("city", 5), ("provincial", 10), ("national", 20)])
def test_enterprise_tech_centre_subsidy_5_10_20_wan(level, wan):
    assert calculate("cf2018-13-tech-center", facts("cf2018-13-tech-center", level=level)).amount_fen == wan * WAN


def test_new_high_tech_enterprise_award_is_paid_the_following_year():
    d = calculate("cf2018-13-high-tech", facts("cf2018-13-high-tech", recognized_year=2024, year=2024))
    assert (d.amount_fen, d.payable_year, d.payout_mode) == (20 * WAN, 2025, "following_year")


def test_new_high_tech_award_is_paid_once_per_recognition_whatever_the_application_year():
    first = calculate("cf2018-13-high-tech", facts("cf2018-13-high-tech", recognized_year=2024, year=2025))
    with pytest.raises(NotEligible) as raised:
        calculate("cf2018-13-high-tech", facts("cf2018-13-high-tech", recognized_year=2024, year=2026),
                  [first.to_prior_award()])
    assert raised.value.rule == "already_awarded"
    again = calculate("cf2018-13-high-tech", facts("cf2018-13-high-tech", recognized_year=2027, year=2028),
                      [first.to_prior_award()])
    assert (again.amount_fen, again.payable_year) == (20 * WAN, 2028)
