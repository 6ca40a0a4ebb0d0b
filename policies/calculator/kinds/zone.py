"""Dev-zone cultivation award (9.4.1(1)): the lead chain's revenue share of the zone reaching
20% / 40% / 60%; tiers accumulate (达到高档位的，对低档位奖励金额进行累加) and each is paid once."""
from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

from pydantic import BaseModel

from policies.calculator.facts import fact, fact_field
from policies.calculator.kinds.base import Context, calculation, yuan
from policies.calculator.models import RawAward, Step
from policies.catalogue import Clause
from policies.catalogue.models import ZoneShareCalc
from policies.errors import FieldProblem, NotEligible
from policies.money import Yuan, plain


def fields(clause: Clause) -> dict[str, Any]:
    return {
        "lead_chain_revenue_yuan": fact_field(Yuan, "区内主导产业链链上企业年度营业收入（元）"),
        "zone_revenue_yuan": fact_field(Yuan, "开发区全部企业年度营业收入（元）"),
    }


def check(clause: Clause, facts: BaseModel) -> list[FieldProblem]:
    if fact(facts, "zone_revenue_yuan") <= 0:
        return [FieldProblem("zone_revenue_yuan", "须大于0")]
    if fact(facts, "lead_chain_revenue_yuan") > fact(facts, "zone_revenue_yuan"):
        return [FieldProblem("lead_chain_revenue_yuan", "不得大于开发区全部企业年度营业收入")]
    return []


def compute(ctx: Context) -> RawAward:
    tiers = calculation(ctx.clause, ZoneShareCalc).tiers
    lead, total = ctx.fact("lead_chain_revenue_yuan"), ctx.fact("zone_revenue_yuan")
    with localcontext() as dc:
        dc.prec = 12
        shown = plain((lead * 100 / total).quantize(Decimal("0.01")))
    # exact comparison: lead / total >= p% ⇔ lead × 100 >= p × total
    reached = [t for t in tiers if lead * 100 >= t.min_pct * total]
    steps = [Step(description=f"主导产业链营收占比 = {yuan(lead)} ÷ {yuan(total)} ≈ {shown}%", value=f"{shown}%")]
    if not reached:
        raise NotEligible(f"主导产业链营收占比约{shown}%，未达到{tiers[0].min_pct}%", rule="threshold")
    ranks = {t.tier: i for i, t in enumerate(tiers)}
    prior_ranks = [ranks[p.tier] for p in ctx.mine() if p.tier in ranks]
    paid_up_to = max(prior_ranks, default=-1)
    payable = [t for t in reached if ranks[t.tier] > paid_up_to]
    if not payable:
        raise NotEligible(f"已达到的档位（{'、'.join(t.tier + '%' for t in reached)}）均已奖励；同一档位仅奖励一次",
                          rule="already_awarded")
    for tier in reached:
        paid = ranks[tier.tier] <= paid_up_to
        steps.append(Step(description=f"达到{tier.min_pct}%以上档：{yuan(Decimal(tier.amount_yuan))}元"
                                      + ("（此前已奖励，不再计）" if paid else "（计入，低档累加）"),
                          value=None if paid else yuan(Decimal(tier.amount_yuan))))
    amount = sum((Decimal(t.amount_yuan) for t in payable), Decimal(0))
    steps.append(Step(description=f"合计{' + '.join(yuan(Decimal(t.amount_yuan)) for t in payable)} = {yuan(amount)}元",
                      value=yuan(amount)))
    return RawAward(amount=amount, steps=steps, tier=reached[-1].tier)
