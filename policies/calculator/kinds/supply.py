"""Chain-leader supply-collaboration award (9.3.1; also 9.5.2 for potential-leader chain cores):
one of three options a year.

new_supplier: 50万 for each net new collaborating enterprise with ≥ 500万 trade, against the
  2021 base year; units already rewarded in earlier years are not paid again; ≤ 500万 in total.
stock_uplift: tiers of 表3 on the trade with existing collaborators; ≤ 500万 a year.
rate_uplift: per full 5 percentage points of collaboration-rate increase, 1% of the trade that
  increase represents (increase × the rate's base); ≤ 500万.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from policies.calculator.facts import fact, fact_field
from policies.calculator.kinds.base import Context, calculation, yuan
from policies.calculator.kinds.tiered import table_award
from policies.calculator.models import RawAward, Step
from policies.catalogue import Clause
from policies.catalogue.models import SupplyCalc
from policies.errors import FieldProblem, NotEligible
from policies.money import Percent, Yuan, exact, pct, plain
from policies.text import Text

OPTION_ZH = {"new_supplier": "新增协作配套奖励", "stock_uplift": "存量协作配套提升奖励",
             "rate_uplift": "协作配套率提升奖励"}
REQUIRED = {
    "new_supplier": ("base_year_suppliers", "prior_year_suppliers"),
    "stock_uplift": ("stock_collaboration_trade_yuan",),
    "rate_uplift": ("collaboration_rate_start_pct", "collaboration_rate_end_pct", "collaboration_rate_base_yuan"),
}


class SupplierTrade(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    supplier_id: Text = Field(min_length=1, title="协作配套企业标识（统一社会信用代码）")
    trade_yuan: Yuan = Field(title="与“链主”企业的年度协作配套交易额（元）")


def fields(clause: Clause) -> dict[str, Any]:
    base = calculation(clause, SupplyCalc).base_year
    return {
        "option": fact_field(Literal["new_supplier", "stock_uplift", "rate_uplift"], "奖励方式（三选一）",
                             "；".join(f"{k}={v}" for k, v in OPTION_ZH.items()), labels=OPTION_ZH),
        "base_year_suppliers": fact_field(list[SupplierTrade], f"基年（{base}年）协作配套企业及交易额",
                                          "new_supplier 方式必填", required=False),
        "prior_year_suppliers": fact_field(list[SupplierTrade], "申报年度上一年协作配套企业及交易额",
                                           "new_supplier 方式必填", required=False),
        "stock_collaboration_trade_yuan": fact_field(
            Yuan, "申报年度上一年与已有产业链协作配套企业的协作配套交易额（元）", "stock_uplift 方式必填", required=False),
        "collaboration_rate_start_pct": fact_field(Percent, "协作配套率（比较起点，百分点）", "rate_uplift 方式必填",
                                                   required=False),
        "collaboration_rate_end_pct": fact_field(Percent, "申报年度上一年协作配套率（百分点）", "rate_uplift 方式必填",
                                                 required=False),
        "collaboration_rate_base_yuan": fact_field(
            Yuan, "协作配套率的计算基数（元）", "rate_uplift 方式必填；用于把百分点增幅换算为相应协作配套交易额", required=False),
    }


def check(clause: Clause, facts: BaseModel) -> list[FieldProblem]:
    option = fact(facts, "option")
    problems = [FieldProblem(name, f"{OPTION_ZH[option]}方式必填")
                for name in REQUIRED[option] if getattr(facts, name) is None]
    for name in ("base_year_suppliers", "prior_year_suppliers"):
        listed = [s.supplier_id for s in getattr(facts, name) or []]
        if len(listed) != len(set(listed)):
            problems.append(FieldProblem(name, "协作配套企业重复列出"))
    return problems


def compute(ctx: Context) -> RawAward:
    option = ctx.fact("option")
    steps = [Step(description=f"奖励方式：{OPTION_ZH[option]}（三种方式选择其一）")]
    if option == "new_supplier":
        return _new_supplier(ctx, steps)
    if option == "stock_uplift":
        calc = calculation(ctx.clause, SupplyCalc)
        return table_award(ctx, calc.stock_uplift.table, ctx.fact("stock_collaboration_trade_yuan"),
                           "与已有协作配套企业的协作配套交易额", option, steps)
    return _rate_uplift(ctx, steps)


def _new_supplier(ctx: Context, steps: list[Step]) -> RawAward:
    calc = calculation(ctx.clause, SupplyCalc)
    spec = calc.new_supplier
    floor = Decimal(spec.min_trade_yuan)
    base = [s for s in ctx.fact("base_year_suppliers") if s.trade_yuan >= floor]
    now = [s for s in ctx.fact("prior_year_suppliers") if s.trade_yuan >= floor]
    net = len(now) - len(base)
    steps.append(Step(description=f"交易额不低于{yuan(floor)}元的协作配套企业：{calc.base_year}年基年{len(base)}户，"
                                  f"申报年度上一年{len(now)}户，净增{net}户", value=str(net)))
    if net <= 0:
        raise NotEligible(f"较{calc.base_year}年基年未净增交易额不低于{yuan(floor)}元的协作配套企业", rule="threshold")
    unit_fen = spec.unit_amount_yuan * 100
    paid_units = sum(p.amount_fen for p in ctx.mine("new_supplier", any_option=False)) // unit_fen
    payable = net - paid_units
    if paid_units:
        steps.append(Step(description=f"此前已按净增{paid_units}户奖励", value=str(paid_units)))
    if payable <= 0:
        raise NotEligible(f"净增的{net}户已全部奖励", rule="already_awarded")
    amount = Decimal(payable * spec.unit_amount_yuan)
    steps.append(Step(description=f"{payable}户 × {yuan(Decimal(spec.unit_amount_yuan))}元 = {yuan(amount)}元",
                      value=yuan(amount)))
    return RawAward(amount=amount, steps=steps, option="new_supplier")


def _rate_uplift(ctx: Context, steps: list[Step]) -> RawAward:
    spec = calculation(ctx.clause, SupplyCalc).rate_uplift
    start, end = ctx.fact("collaboration_rate_start_pct"), ctx.fact("collaboration_rate_end_pct")
    base = ctx.fact("collaboration_rate_base_yuan")
    with exact():
        rise = end - start
    whole_steps = int(rise // spec.step_points) if rise > 0 else 0
    steps.append(Step(description=f"协作配套率由{plain(start)}%升至{plain(end)}%，提高{plain(rise)}个百分点，"
                                  f"满{spec.step_points}个百分点{whole_steps}次", value=str(whole_steps)))
    if whole_steps < 1:
        raise NotEligible(f"协作配套率提高{plain(rise)}个百分点，不足{spec.step_points}个百分点", rule="threshold")
    points = whole_steps * spec.step_points
    with exact():
        trade = base * points / 100
        amount = trade * spec.rate
    steps += [
        Step(description=f"增幅相应协作配套交易额 = 计算基数{yuan(base)}元 × {points}% = {yuan(trade)}元",
             value=yuan(trade)),
        Step(description=f"{yuan(trade)}元 × {pct(spec.rate)} = {yuan(amount)}元", value=yuan(amount)),
    ]
    return RawAward(amount=amount, steps=steps, option="rate_uplift")
