"""Chain-project landing awards (9.2.2, 9.2.3, 9.5.1):
奖励额度 = 项目固定资产投资 × (一年期LPR平均值 × 投资激励系数 × 营收激励系数 × 1.1 [× 1.1 …]).

The LPR average and the two coefficients come from the 技改 support standard, which the seeds
do not contain: they are validated inputs, and missing ones are refused with that reason."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, StrictBool

from policies.calculator.facts import fact, fact_field
from policies.calculator.kinds.base import Context, calculation, check_threshold, yuan
from policies.calculator.models import RawAward, Step
from policies.catalogue import Clause
from policies.catalogue.models import LandingCalc
from policies.errors import FieldProblem, NotEligible
from policies.money import PositiveYuan, Ratio, exact, plain

_OUTSIDE = "原文未给出，来自企业技术改造项目支持标准（未收录于晋工信新材料规字〔2024〕1号），须由核定部门提供"


def fields(clause: Clause) -> dict[str, Any]:
    calc = calculation(clause, LandingCalc)
    out = {
        calc.fai_threshold.fact: fact_field(PositiveYuan, calc.fai_threshold.title_zh),
        "lpr_average": fact_field(Ratio, "一年期市场报价利率（LPR）平均值（小数，如3.45%写作\"0.0345\"）", _OUTSIDE),
        "investment_coefficient": fact_field(Ratio, "投资激励系数", _OUTSIDE),
        "revenue_coefficient": fact_field(Ratio, "营收激励系数", _OUTSIDE),
    }
    if any(v.when_in_demo_zone is not None for v in calc.variants):
        out["in_demo_zone"] = fact_field(StrictBool, "项目落地产业链招商引资重点承载示范开发区")
    return out


def check(clause: Clause, facts: BaseModel) -> list[FieldProblem]:
    if fact(facts, "lpr_average") >= 1:
        return [FieldProblem("lpr_average", "应以小数表示利率（如3.45%写作\"0.0345\"），须小于1")]
    return []


def compute(ctx: Context) -> RawAward:
    calc = calculation(ctx.clause, LandingCalc)
    steps = [check_threshold(calc.fai_threshold, ctx.fact(calc.fai_threshold.fact))]
    in_zone = getattr(ctx.facts, "in_demo_zone", None)
    variant = next((v for v in calc.variants if v.when_in_demo_zone in (None, in_zone)), None)
    if variant is None:
        raise NotEligible("没有适用的奖励标准", rule="choice")
    fai = ctx.fact(calc.fai_threshold.fact)
    lpr, inv, rev = ctx.fact("lpr_average"), ctx.fact("investment_coefficient"), ctx.fact("revenue_coefficient")
    uplift_text = " × ".join(plain(u) for u in variant.uplifts)
    with exact():
        factor = lpr * inv * rev
        for uplift in variant.uplifts:
            factor *= uplift
        amount = fai * factor
    steps += [
        Step(description=f"比例 = LPR平均值{plain(lpr)} × 投资激励系数{plain(inv)} × 营收激励系数{plain(rev)}"
                         f" × {uplift_text} = {plain(factor)}", value=plain(factor)),
        Step(description=f"奖励额度 = 项目固定资产投资{yuan(fai)}元 × {plain(factor)} = {yuan(amount)}元",
             value=yuan(amount)),
    ]
    return RawAward(amount=amount, steps=steps, option=variant.option)
