"""Which applications a caller may see. Another scope's object is simply not found (404)."""
from __future__ import annotations

from sqlalchemy import ColumnElement, false
from sqlmodel import col

from infra.auth import Principal
from policies.errors import PolicyError
from policies.routing import review_route
from services.intake.adapters.orm import Application

SEE_ALL = frozenset({"auditor", "workflow"})  # read scope; admin manages reference data, not cases
REGIONAL = frozenset({"city_industry_bureau", "city_science_bureau", "city_department", "city_finance_bureau", "county_finance"})


def application_filter(principal: Principal) -> ColumnElement[bool] | None:
    if principal.role in SEE_ALL:
        return None
    if principal.role in ("enterprise", "zone_committee"):
        return col(Application.applicant_uscc) == principal.organisation
    if principal.role in REGIONAL and principal.region:
        return col(Application.region).startswith(region_prefix(principal.region))
    return false()


def region_prefix(region: str) -> str:
    """140400 (a city) covers 1404xx; 140403 (a county) covers only itself."""
    return region[:4] if region.endswith("00") else region


def on_review_route(principal: Principal, application: Application) -> bool:
    """An official of a department the application's review route sends it to (policies/data/routes.yaml)
    sees it, whatever its region: the case's own departments read the facts and materials they decide on."""
    if principal.role in ("enterprise", "zone_committee", "admin"):
        return False
    try:
        route = review_route(application.clause_id, application.region)
    except (PolicyError, ValueError):
        return False
    return principal.organisation in {step.organisation for step in route}
