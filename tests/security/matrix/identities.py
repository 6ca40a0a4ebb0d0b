"""Who each role is in scope A (the caller's own) and scope B (someone else's).

Scope A: Changzhi (140400), its county Xiangyuan (140423) for applicants and county finance, chain
cz_photovoltaic. Scope B: Xinzhou (140900), chain cz_hydrogen. Organisations follow the system's
convention `<region code>.<department>`; an enterprise's organisation is its USCC.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tests.support.tokens import make_uscc

USCC = {"A": make_uscc("140423"), "B": make_uscc("140900")}
APPLICANT_REGION = {"A": "140423", "B": "140900"}
CITY = {"A": "140400", "B": "140900"}
COUNTY = {"A": "140423", "B": "140981"}
CHAIN = {"A": "cz_photovoltaic", "B": "cz_hydrogen"}


@dataclass(frozen=True)
class Identity:
    role: str
    organisation: str
    region: str | None = None
    chains: tuple[str, ...] = field(default=())
    subject: str = ""

    def claims(self) -> dict:
        return {"organisation": self.organisation, "region": self.region, "chains": self.chains,
                "subject": self.subject or f"{self.role}@{self.organisation}"}


def identity(role: str, scope: str) -> Identity:
    city, county, chain = CITY[scope], COUNTY[scope], CHAIN[scope]
    if role in ("enterprise", "zone_committee"):
        return Identity(role, USCC[scope], APPLICANT_REGION[scope])
    if role == "county_finance":
        return Identity(role, f"{county}.county_finance", county)
    if role in ("city_industry_bureau", "city_science_bureau", "city_finance_bureau", "city_department"):
        return Identity(role, f"{city}.{role}", city)
    if role == "competent_department":
        return Identity(role, f"{city}.city_science_bureau", city)
    if role in ("chain_lead_unit", "chain_chief"):
        return Identity(role, f"{chain}.{role}", "140000", (chain,))
    if role == "expert":
        return Identity(role, f"expert-{scope}", None, (chain,))
    if role in ("province_chain_office", "leading_group", "chief_of_chiefs", "reform_zone_committee"):
        return Identity(role, f"{'140000' if scope == 'A' else '149900'}.{role}", "140000")
    return Identity(role, f"{role}-{scope}", None)
