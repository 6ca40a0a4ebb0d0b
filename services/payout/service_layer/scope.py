"""Which payout plans a caller may see."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, false
from sqlmodel import col, select

from infra.auth import Principal
from infra.scope import scoped
from services.payout.adapters.orm import PayoutPlan, PayoutStage

if TYPE_CHECKING:
    from sqlmodel.sql.expression import Select

    StagesWithPlans = Select[PayoutStage, PayoutPlan]  # SQLAlchemy 2.1's variadic Select

SEE_ALL = frozenset({"auditor", "workflow"})  # read scope; admin manages reference data, not cases
FINANCE = frozenset({"city_finance_bureau", "county_finance"})


def plan_filter(principal: Principal) -> ColumnElement[bool] | None:
    if principal.role in SEE_ALL:
        return None
    if principal.role == "enterprise":
        return col(PayoutPlan.recipient_uscc) == principal.organisation
    if principal.role in FINANCE and principal.region:
        prefix = principal.region[:4] if principal.region.endswith("00") else principal.region
        return col(PayoutPlan.region).startswith(prefix)
    return false()


def stage_in_scope(principal: Principal, stage_id: str) -> StagesWithPlans:
    """SELECT the stage and its plan, if the plan is in the caller's scope."""
    query = select(PayoutStage, PayoutPlan).join(PayoutPlan, col(PayoutPlan.id) == col(PayoutStage.plan_id)).where(
        PayoutStage.id == stage_id)
    return scoped(query, plan_filter(principal))
