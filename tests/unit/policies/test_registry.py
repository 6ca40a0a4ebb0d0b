"""Regions, departments and chains are data; a second city is added without code."""
import pytest

from policies.errors import DataFileInvalid, UnknownChain
from policies.registry import Chain, Region, load_registry

CHANGZHI_CHAINS = ["钢材深加工产业链", "新能源汽车产业链", "高端装备制造产业链", "氢能产业链", "光伏产业链",
                   "现代医药产业链", "光电（LED）产业链", "现代煤化工产业链", "动力锂电池产业链", "资源综合利用产业链"]


def test_changzhi_ships_its_ten_chains_with_unknown_category():
    chains = load_registry().chains_in("changzhi")
    assert [c.name_zh for c in chains] == CHANGZHI_CHAINS
    assert all(c.category is None and c.source.startswith("长政办发〔2022〕39号") for c in chains)


def test_regions_include_a_second_city_and_the_reform_zone():
    registry = load_registry()
    assert registry.region("xinzhou").name_zh == "忻州市"
    assert registry.region("reform_zone").name_zh == "山西转型综改示范区"


def test_another_citys_chain_can_be_added_as_data():
    extended = load_registry().extended(
        regions=[Region(id="taiyuan", name_zh="太原市", level="city", parent_id="shanxi", source="test")],
        chains=[Chain(id="ty_test", name_zh="测试产业链", region_id="taiyuan", level="city",
                      category="emerging", category_source="测试", source="test")])
    assert extended.chain("ty_test").category_zh == "新兴培育产业链"
    assert "ty_test" not in load_registry().chains


def test_a_chain_in_an_unknown_region_is_refused():
    with pytest.raises(DataFileInvalid):
        load_registry().extended(chains=[Chain(id="x", name_zh="x", region_id="nowhere", level="city", source="t")])


def test_a_category_needs_its_source():
    with pytest.raises(DataFileInvalid):
        load_registry().extended(chains=[Chain(id="x", name_zh="x", region_id="changzhi", level="city",
                                               category="established", source="t")])


def test_unknown_chain_raises():
    with pytest.raises(UnknownChain):
        load_registry().chain("nope")


@pytest.mark.parametrize(("organisation", "named"), [
    ("140400.city_industry_bureau", "长治市工信局"),           # 市工信局 of 长治市
    ("140000.province_chain_office", "山西省链长办"),          # 省链长办 of 山西省
    ("140404.county_finance", "上党区财政"),                  # 县财政 of a district
    ("reform_zone.reform_zone_committee", "山西转型综改示范区管委会"),  # the name already says where
    ("149900.city_industry_bureau", "149900 市工信局"),        # a code the registry does not name yet
    ("140400.no_such_department", "140400.no_such_department"),
])
def test_documents_name_an_organisation_by_its_region_and_department(organisation, named):
    assert load_registry().organisation_zh(organisation) == named
