"""Facts of real clauses, for tests that carry a case through the system."""
from __future__ import annotations


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
