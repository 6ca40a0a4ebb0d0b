"""Shared helpers for the policy tests.

`facts(clause_id, **values)` starts from entity/year and every unconditional eligibility
condition declared true (read from the catalogue), so each test states only the facts it is about.
TEST_TABLES are clearly marked test data: their values are invented for tests only.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from policies.catalogue import load_catalogue
from policies.tables import TierTables

FIXTURES = Path(__file__).parent / "fixtures"
JGX = "晋工信新材料规字〔2024〕1号"


def facts(clause_id: str, **values: Any) -> dict[str, Any]:
    clause = load_catalogue().get(clause_id)
    base: dict[str, Any] = {"entity_id": "91140400TESTENTITY", "year": 2025}
    base.update({c.fact: True for c in clause.conditions if c.when is None})
    base.update(values)
    return base


def prior(clause_id: str, amount_fen: int, *, entity_id: str = "91140400TESTENTITY", year: int = 2025,
          project_id: str | None = None, tier: str | None = None, option: str | None = None,
          benefit_id: str | None = None) -> dict[str, Any]:
    catalogue = load_catalogue()
    benefit = benefit_id or catalogue.get(clause_id).benefit_id
    return {"clause_id": clause_id, "benefit_id": benefit, "entity_id": entity_id, "year": year,
            "project_id": project_id, "amount_fen": amount_fen, "tier": tier, "option": option}


def tier_table_dict(table: str, rows: list[tuple[str, int, int]]) -> dict[str, Any]:
    return {
        "table": table, "document_number": JGX, "test_data": True,
        "source_note": "测试数据（TEST DATA）：数值为测试虚构，不是原文表格",
        "rows": [{"tier": t, "min_yuan": str(m), "amount_yuan": str(a)} for t, m, a in rows],
    }


# Invented tiers — for tests only (yuan): (tier, threshold, amount).
TEST_TABLES = TierTables.from_dicts([
    tier_table_dict("表1", [("一档", 10_000_000_000, 1_000_000), ("二档", 30_000_000_000, 2_000_000),
                           ("三档", 50_000_000_000, 3_000_000)]),
    tier_table_dict("表2", [("一档", 1_000_000_000, 300_000), ("二档", 3_000_000_000, 600_000)]),
    tier_table_dict("表3", [("一档", 100_000_000, 1_000_000), ("二档", 500_000_000, 3_000_000),
                           ("三档", 1_000_000_000, 5_000_000), ("四档", 2_000_000_000, 7_000_000)]),
    tier_table_dict("表4", [("一档", 5_000_000, 200_000), ("二档", 50_000_000, 1_000_000),
                           ("三档", 200_000_000, 5_000_000), ("四档", 500_000_000, 6_000_000)]),
    tier_table_dict("表5", [("一档", 5_000_000, 100_000), ("二档", 20_000_000, 400_000)]),
    tier_table_dict("表6", [("一档", 2_000_000, 50_000), ("二档", 10_000_000, 200_000)]),
])


@pytest.fixture
def tables() -> TierTables:
    return TEST_TABLES
