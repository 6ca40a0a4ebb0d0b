"""Calculation kinds, one module each; the catalogue names the kind of every clause."""
from __future__ import annotations

from types import ModuleType

from policies.calculator.kinds import declared, fixed, landing, loan, rate, referral, supply, tiered, zone
from policies.catalogue import Clause

KINDS: dict[str, ModuleType] = {
    "fixed": fixed,
    "rate": rate,
    "declared": declared,
    "loan": loan,
    "tier_table": tiered,
    "landing": landing,
    "referral": referral,
    "supply": supply,
    "zone_share": zone,
}


def kind_of(clause: Clause) -> ModuleType:
    return KINDS[clause.calculation.kind]
