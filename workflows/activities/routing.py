"""Who decides an application for a clause, read from the policy data (outside the workflow sandbox)."""
from __future__ import annotations

from pydantic import BaseModel
from temporalio import activity
from temporalio.exceptions import ApplicationError


class RouteQuery(BaseModel):
    clause_id: str
    region: str


class Assignee(BaseModel):
    role: str
    organisation: str
    department_name: str
    basis: str = ""


class Route(BaseModel):
    clause_title: str
    steps: list[Assignee]


@activity.defn(name="policies.review_route")
async def review_route(query: RouteQuery) -> Route:
    from policies.catalogue import load_catalogue
    from policies.errors import PolicyError
    from policies.routing import review_route as route_of

    try:
        clause = load_catalogue().get(query.clause_id)
        steps = route_of(query.clause_id, query.region)
    except (PolicyError, ValueError) as error:
        raise ApplicationError(str(error), type="no_route", non_retryable=True) from None
    return Route(
        clause_title=clause.title_zh,
        steps=[Assignee(role="competent_department", organisation=s.organisation, department_name=s.department_name_zh,
                        basis=s.basis_zh) for s in steps],
    )
