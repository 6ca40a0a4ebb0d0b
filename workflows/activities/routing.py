"""Who reviews a clause, read from the policy catalogue (pure data, but outside the workflow sandbox)."""
from __future__ import annotations

from pydantic import BaseModel
from temporalio import activity


class RouteQuery(BaseModel):
    clause_id: str
    region: str


class Assignee(BaseModel):
    role: str
    organisation: str
    department_name: str


class Route(BaseModel):
    clause_title: str
    steps: list[Assignee]


@activity.defn(name="policies.review_route")
async def review_route(query: RouteQuery) -> Route:
    from policies.catalogue import load_catalogue

    clause = load_catalogue().get(query.clause_id)
    city = query.region[:4] + "00"
    steps = [
        Assignee(role="competent_department", organisation=f"{city}.{department.id}", department_name=department.name_zh)
        for department in clause.departments
    ]
    return Route(clause_title=clause.title_zh, steps=steps)
