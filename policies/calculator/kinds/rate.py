"""A rate of a declared basis (5% of receipts, 50% of training paid …), with an optional threshold
and, where the text says "不超过x%", an optional lower rate set by the determining department."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from policies.calculator.facts import fact_field
from policies.calculator.kinds.base import Context, calculation, check_threshold, yuan
from policies.calculator.models import RawAward, Step
from policies.catalogue import Clause
from policies.catalogue.models import RateCalc
from policies.errors import FieldProblem
from policies.money import PositiveYuan, Ratio, Yuan, exact, pct


def fields(clause: Clause) -> dict[str, Any]:
    calc = calculation(clause, RateCalc)
    out = {calc.basis.name: fact_field(PositiveYuan, calc.basis.title_zh, calc.basis.hint_zh)}
    if calc.threshold and calc.threshold.fact != calc.basis.name:
        out[calc.threshold.fact] = fact_field(Yuan, calc.threshold.title_zh)
    if calc.rate_is_maximum:
        out["rate"] = fact_field(Ratio, f"适用比例（不超过{pct(calc.rate)}，小数表示）",
                                 f"可选；不填按上限{pct(calc.rate)}计算最高可核定金额", required=False)
    return out


def check(clause: Clause, facts: BaseModel) -> list[FieldProblem]:
    calc = calculation(clause, RateCalc)
    chosen = getattr(facts, "rate", None)
    if calc.rate_is_maximum and chosen is not None and chosen > calc.rate:
        return [FieldProblem("rate", f"不得超过{pct(calc.rate)}（原文：不超过{pct(calc.rate)}）")]
    return []


def compute(ctx: Context) -> RawAward:
    calc = calculation(ctx.clause, RateCalc)
    steps = []
    if calc.threshold:
        steps.append(check_threshold(calc.threshold, ctx.fact(calc.threshold.fact)))
    basis = ctx.fact(calc.basis.name)
    rate = calc.rate
    if calc.rate_is_maximum:
        chosen = getattr(ctx.facts, "rate", None)
        if chosen is None:
            steps.append(Step(description=f"比例：原文不超过{pct(rate)}，未指定比例，按上限计算最高可核定金额",
                              value=pct(rate)))
        else:
            rate = chosen
            steps.append(Step(description=f"比例：核定部门确定为{pct(rate)}（不超过{pct(calc.rate)}）",
                              value=pct(rate)))
    with exact():
        amount = basis * rate
    steps.append(Step(description=f"{calc.basis.title_zh}{yuan(basis)}元 × {pct(rate)} = {yuan(amount)}元",
                      value=yuan(amount)))
    return RawAward(amount=amount, steps=steps)
