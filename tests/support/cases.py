"""Facts of real clauses, for tests that carry a case through the system."""
from __future__ import annotations


# The two departments that review a 长科发〔2022〕5号 8.3 case in Changzhi, in order (policies/data/routes.yaml).
CENTER = "140400.city_foreign_expert_center"
SCIENCE = "140400.city_science_bureau"


def tech_transfer_facts(receipts_yuan: str = "5000000", project_id: str = "HT-2026-001", year: int = 2026) -> dict:
    """长科发〔2022〕5号 8.3: 5% of the receipts, at most 20万元 per achievement."""
    return {
        "year": year,
        "project_id": project_id,
        "output_party_in_changzhi": True,
        "platform_registered": True,
        "contract_registered_and_recognized": True,
        "converted_with_results": True,
        "financial_management_sound": True,
        "ownership_clear": True,
        "receipts_yuan": receipts_yuan,
    }


JGX = "晋工信新材料规字〔2024〕1号"

# 表1 of 晋工信新材料规字〔2024〕1号 is cited but not given in the seeds. Values invented for tests only:
# 一档 ≥ 100亿 → 100万, 二档 ≥ 300亿 → 200万.
FICTIONAL_TABLE_1 = {
    "table": "表1", "document_number": JGX, "clause_number": "9.1.2",
    "source_note": "测试用表, 数值为测试虚构, 非政策原文",
    "rows": [{"tier": "一档", "min_yuan": "10000000000", "amount_yuan": "1000000"},
             {"tier": "二档", "min_yuan": "30000000000", "amount_yuan": "2000000"}],
}
