"""Who acts at each step of a selection (policies.selection, seed 004 §10.3)."""
from __future__ import annotations

import pytest

from policies.errors import UnknownCity
from policies.selection import LEADING_GROUP, PROVINCE_CHAIN_OFFICE, recommender, supervisor


def test_a_nomination_goes_to_the_registration_citys_industry_bureau_even_from_a_county():
    assert recommender("140403", in_reform_zone=False) == ("city_industry_bureau", "140400.city_industry_bureau")


def test_a_nomination_from_inside_the_reform_zone_goes_to_its_committee():
    assert recommender("140403", in_reform_zone=True) == ("reform_zone_committee", "reform_zone.reform_zone_committee")


def test_a_region_outside_every_registered_city_is_refused_with_its_code():
    with pytest.raises(UnknownCity, match="990100"):
        recommender("990100", in_reform_zone=False)


def test_the_office_supervises_bureaus_a_chief_its_lead_unit_and_the_leading_group_the_office():
    assert supervisor("city_industry_bureau", "140400.city_industry_bureau", "sx_photovoltaic") == PROVINCE_CHAIN_OFFICE
    assert supervisor("chain_lead_unit", "sx_photovoltaic.chain_lead_unit", "sx_photovoltaic") == (
        "chain_chief", "sx_photovoltaic.chain_chief")
    assert supervisor(*PROVINCE_CHAIN_OFFICE, "sx_photovoltaic") == LEADING_GROUP
