"""Review routes: who decides an application for a clause, in order; the last step determines (核定).

Explicit routes live in data/routes.yaml with the clause text that puts each step there. Without
one, the route is the clause's first department named in the text that is not a finance
department (finance pays; it does not decide), else its issuing authority. Organisations are
`<region code>.<department id>`: the applicant's city for city departments, the province for
provincial ones.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from policies._yaml import load_yaml
from policies.catalogue import Clause, load_catalogue
from policies.registry import load_registry

FINANCE_DEPARTMENTS = frozenset({"city_finance_bureau", "province_finance_dept", "county_finance", "city_finance_office"})
PROVINCE_CODE = "140000"


class RouteStep(BaseModel):
    model_config = ConfigDict(frozen=True)

    department: str
    department_name_zh: str
    organisation: str
    determines: bool
    basis_zh: str


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    department: str
    basis_zh: str


@lru_cache
def explicit_routes() -> dict[str, tuple[_Step, ...]]:
    text = resources.files("policies.data").joinpath("routes.yaml").read_text(encoding="utf-8")
    data = load_yaml(text) or {}
    return {clause: tuple(_Step.model_validate(s) for s in steps) for clause, steps in (data.get("routes") or {}).items()}


def review_route(clause_id: str, region_code: str) -> list[RouteStep]:
    clause = load_catalogue().get(clause_id)
    steps = explicit_routes().get(clause_id) or _default_route(clause)
    registry = load_registry()
    route = []
    for number, step in enumerate(steps, start=1):
        department = registry.department(step.department)
        code = PROVINCE_CODE if department.level in ("province", "national") else region_code[:4] + "00"
        route.append(RouteStep(
            department=department.id,
            department_name_zh=department.name_zh,
            organisation=f"{code}.{department.id}",
            determines=number == len(steps),
            basis_zh=step.basis_zh,
        ))
    return route


def _default_route(clause: Clause) -> tuple[_Step, ...]:
    """First named non-finance department; else first non-finance one; else the first department
    (where only finance departments are named, e.g. 长办发 第24条, they decide). National bodies that
    only keep a list (工信部 for 9.3.3) never decide a Shanxi award."""
    registry = load_registry()
    local = [d for d in clause.departments if registry.department(d.id).level != "national"]
    preferences = (
        [d for d in local if d.named_in_text and d.id not in FINANCE_DEPARTMENTS],
        [d for d in local if d.id not in FINANCE_DEPARTMENTS],
        local,
    )
    chosen = next((group[0] for group in preferences if group), None)
    if chosen is None:
        raise ValueError(f"条款 {clause.id} 没有可办理的部门")
    source = "原文所列责任单位" if chosen.named_in_text else "发文机关"
    basis = f"{clause.document_number} {clause.clause_number}：{source}（{chosen.name_zh}）"
    return (_Step(department=chosen.id, basis_zh=basis),)
