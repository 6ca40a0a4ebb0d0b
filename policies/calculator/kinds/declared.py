"""An amount fixed outside the seeds and entered by the determining department (e.g. the national
premium subsidy; an R&D subsidy "按企业研发投入" whose rate the text does not give), within caps."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from policies.calculator.facts import fact_field
from policies.calculator.kinds.base import Context, calculation, yuan
from policies.calculator.models import RawAward, Step
from policies.catalogue import Clause
from policies.catalogue.models import DeclaredCalc
from policies.errors import FieldProblem
from policies.money import PositiveYuan, Yuan


def fields(clause: Clause) -> dict[str, Any]:
    calc = calculation(clause, DeclaredCalc)
    out = {calc.amount_fact.name: fact_field(PositiveYuan, calc.amount_fact.title_zh, calc.amount_fact.hint_zh)}
    for ref in calc.context_facts:
        out[ref.name] = fact_field(Yuan, ref.title_zh, ref.hint_zh)
    return out


def check(clause: Clause, facts: BaseModel) -> list[FieldProblem]:
    return []


def compute(ctx: Context) -> RawAward:
    calc = calculation(ctx.clause, DeclaredCalc)
    steps = [Step(description=f"{ref.title_zh}：{yuan(ctx.fact(ref.name))}元", value=yuan(ctx.fact(ref.name)))
             for ref in calc.context_facts]
    amount = ctx.fact(calc.amount_fact.name)
    steps.append(Step(description=f"{calc.amount_fact.title_zh}：{yuan(amount)}元", value=yuan(amount)))
    return RawAward(amount=amount, steps=steps)
