"""Fixed amounts stated in the text, chosen by the applicant's kind/level (e.g. 国家级 50万)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, StrictInt

from policies.calculator.facts import choice_field, fact_field
from policies.calculator.kinds.base import Context, calculation, yuan
from policies.calculator.models import RawAward, Step
from policies.catalogue import Clause
from policies.catalogue.models import FixedCalc
from policies.errors import FieldProblem, NotEligible
from policies.money import pct

DEFAULT_KEY = "default"


def fields(clause: Clause) -> dict[str, Any]:
    calc = calculation(clause, FixedCalc)
    out = {choice.fact: choice_field(choice) for choice in calc.choices}
    if calc.quota:
        out[calc.quota.count_fact] = fact_field(StrictInt, calc.quota.count_title_zh, ge=1)
        out[calc.quota.total_fact] = fact_field(StrictInt, calc.quota.total_title_zh, ge=1)
    return out


def check(clause: Clause, facts: BaseModel) -> list[FieldProblem]:
    quota = calculation(clause, FixedCalc).quota
    if quota and getattr(facts, quota.count_fact) > getattr(facts, quota.total_fact):
        return [FieldProblem(quota.count_fact, f"不得大于{quota.total_title_zh}")]
    return []


def compute(ctx: Context) -> RawAward:
    calc = calculation(ctx.clause, FixedCalc)
    values = [ctx.fact(choice.fact) for choice in calc.choices]
    key = ".".join(values) or DEFAULT_KEY
    label = "、".join(choice.values[v] for choice, v in zip(calc.choices, values, strict=True))
    if key not in calc.amounts:
        raise NotEligible(calc.no_amount_reason_zh or f"{label}不在本条支持范围内", rule="choice")
    steps = []
    if calc.quota:
        quota = calc.quota
        count, total = ctx.fact(quota.count_fact), ctx.fact(quota.total_fact)
        if Decimal(count) > Decimal(total) * quota.max_ratio:
            raise NotEligible(f"{quota.text_zh}：{count}/{total}超过{pct(quota.max_ratio)}", rule="quota")
        steps.append(Step(description=f"{quota.text_zh}：{count}/{total}，未超过{pct(quota.max_ratio)}"))
    amount = Decimal(calc.amounts[key])
    steps.append(Step(description=f"{label + '：' if label else ''}按原文定额", value=yuan(amount)))
    tier = key if calc.choices else None
    payable_year = None
    if calc.payable_year_after:
        basis_year = ctx.fact(calc.payable_year_after.name)
        payable_year = basis_year + 1
        tier = f"{tier}.{basis_year}" if tier else str(basis_year)  # one award per recognition year
        steps.append(Step(description=f"下一年给予：{calc.payable_year_after.title_zh}"
                                      f"{basis_year}年，于{payable_year}年兑现", value=str(payable_year)))
    return RawAward(amount=amount, steps=steps, tier=tier, payable_year=payable_year)
