"""Tier tables are data an admin loads with its source; missing tables are an explicit error."""
from decimal import Decimal
from pathlib import Path

import pytest

from policies.errors import DataFileInvalid, TableUnavailable
from policies.tables import TierTable, TierTables, normalize_document_number

from .conftest import FIXTURES, JGX, tier_table_dict


def test_a_missing_table_names_the_table_and_the_document():
    with pytest.raises(TableUnavailable) as raised:
        TierTables().get("表1", JGX, "9.1.2")
    error = raised.value
    assert (error.table, error.document_number, error.clause_number) == ("表1", JGX, "9.1.2")
    assert "表1" in error.message and JGX in error.message


def test_document_numbers_with_square_brackets_name_the_same_document():
    assert normalize_document_number("晋工信新材料规字[2024]1号") == JGX
    tables = TierTables.from_dir(FIXTURES / "tables_TEST_DATA")
    assert tables.get("表1", JGX).test_data is True


def test_the_highest_tier_reached_is_chosen_inclusively():
    table = TierTable.model_validate(tier_table_dict("表4", [("一", 100, 10), ("二", 200, 30)]))
    assert table.reached(Decimal("99.99")) is None
    assert table.reached(Decimal("100")).tier == "一"
    assert table.reached(Decimal("199.99")).tier == "一"
    assert table.reached(Decimal("200")).tier == "二"


def test_a_row_stated_as_exceeding_is_exclusive():
    data = tier_table_dict("表4", [("一", 100, 10)])
    data["rows"][0]["min_inclusive"] = False
    table = TierTable.model_validate(data)
    assert table.reached(Decimal("100")) is None
    assert table.reached(Decimal("100.01")).tier == "一"


def test_a_row_may_give_a_rate_instead_of_an_amount():
    data = tier_table_dict("表5", [("一", 100, 10)])
    data["rows"][0] = {"tier": "一", "min_yuan": "100", "rate": "0.02"}
    row = TierTable.model_validate(data).rows[0]
    assert row.award(Decimal("1000")) == Decimal("20.00")


@pytest.mark.parametrize("change, problem", [
    (lambda d: d["rows"].reverse(), "递增"),
    (lambda d: d["rows"][0].update(rate="0.1"), "amount_yuan"),
    (lambda d: d.update(source_note=""), "source_note"),
    (lambda d: d.update(table="table1"), "table"),
    (lambda d: d["rows"][1].update(tier=d["rows"][0]["tier"]), "重复"),
])
def test_invalid_tables_are_refused(change, problem):
    data = tier_table_dict("表4", [("一", 100, 10), ("二", 200, 30)])
    change(data)
    with pytest.raises(DataFileInvalid) as raised:
        TierTables.from_dicts([data])
    assert problem in raised.value.message


def test_the_same_table_cannot_be_loaded_twice():
    data = tier_table_dict("表4", [("一", 100, 10)])
    with pytest.raises(DataFileInvalid):
        TierTables.from_dicts([data, data])


def test_loading_a_directory_reads_yaml_and_json(tmp_path: Path):
    import json

    (tmp_path / "t4.json").write_text(json.dumps(tier_table_dict("表4", [("一", 100, 10)]), ensure_ascii=False),
                                      encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    tables = TierTables.from_dir(tmp_path)
    assert len(tables) == 1 and (JGX, "表4") in tables
