"""Who acts at each step of a chain_leader / chain_core selection (晋政办发〔2023〕44号, seed 004 §10.3),
beside policies.routing, which says who decides a subsidy application.

Organisations are `<region code or chain id>.<role>`, as tasks address them."""
from __future__ import annotations

from policies.errors import UnknownCity
from policies.registry import load_registry

PROVINCE_CHAIN_OFFICE = ("province_chain_office", "140000.province_chain_office")
LEADING_GROUP = ("leading_group", "140000.leading_group")
CHIEF_OF_CHIEFS = ("chief_of_chiefs", "140000.chief_of_chiefs")
REFORM_ZONE_COMMITTEE = ("reform_zone_committee", "reform_zone.reform_zone_committee")


def recommender(region: str, *, in_reform_zone: bool) -> tuple[str, str]:
    """(role, organisation) that recommends a self-nominated enterprise: its registration city's industry
    bureau, or inside the reform zone the reform-zone committee (seed 004 §10.3 (二))."""
    if in_reform_zone:
        return REFORM_ZONE_COMMITTEE
    city_code = region[:4] + "00"
    city = load_registry().region_by_code(city_code)
    if city is None or city.level != "city":
        raise UnknownCity(region)
    return "city_industry_bureau", f"{city_code}.city_industry_bureau"


def supervisor(role: str, organisation: str, chain_id: str) -> tuple[str, str]:
    """Who supervises an assignee's overdue task: the province_chain_office runs the procedure for the
    bureaus, chiefs and leading group; a chain's chief supervises its lead unit; the leading group the office."""
    if role == "province_chain_office":
        return LEADING_GROUP
    if role == "chain_lead_unit":
        return "chain_chief", f"{chain_id}.chain_chief"
    return PROVINCE_CHAIN_OFFICE


def approval_steps(kind: str, chain_id: str, route: str) -> list[tuple[str, str, str, str]]:
    """(task kind, role, organisation, label) of the approval route (seed 004 §10.3 (四)): a chain_core's
    lead unit submits to its chain_chief; a chain_leader is approved by the leading group or, where the
    round says so, by its chain_chief and then the chief_of_chiefs."""
    if kind == "chain_core":
        return [("lead_unit_submission", "chain_lead_unit", f"{chain_id}.chain_lead_unit", "链长牵头单位报送"),
                ("selection_approval", "chain_chief", f"{chain_id}.chain_chief", "链长审定")]
    if route == "chiefs":
        return [("chief_review", "chain_chief", f"{chain_id}.chain_chief", "链长审核"),
                ("selection_approval", *CHIEF_OF_CHIEFS, "总链长审定")]
    return [("selection_approval", *LEADING_GROUP, "链长制领导小组审定")]
