"""Tier tables (表1–表6): the highest tier the basis first reaches; each tier once, and reaching
a higher tier does not add the lower tiers' amounts (达到高档位的，不对低档位奖励资金进行累加)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from policies.calculator.facts import fact_field
from policies.calculator.kinds.base import Context, calculation, yuan
from policies.calculator.models import RawAward, Step
from policies.catalogue import Clause
from policies.catalogue.models import TierTableCalc
from policies.errors import FactsInvalid, FieldProblem, NotEligible
from policies.money import PositiveYuan, exact, pct


def fields(clause: Clause) -> dict[str, Any]:
    calc = calculation(clause, TierTableCalc)
    out: dict[str, Any] = {}
    if calc.table_by:
        by = calc.table_by
        out[by.fact] = (Literal[tuple(by.tables)], Field(
            title=by.title_zh, description="；".join(f"{k}={by.labels[k]}（{t}）" for k, t in by.tables.items()),
            json_schema_extra={"labels_zh": {k: f"{by.labels[k]}（{t}）" for k, t in by.tables.items()}}))
    out[calc.basis.name] = fact_field(PositiveYuan, calc.basis.title_zh, calc.basis.hint_zh)
    return out


def check(clause: Clause, facts: BaseModel) -> list[FieldProblem]:
    return []


def compute(ctx: Context) -> RawAward:
    calc = calculation(ctx.clause, TierTableCalc)
    if calc.table_by is None:
        assert calc.table is not None  # TierTableCalc._one_source: a table or a choice of tables
        return table_award(ctx, calc.table, ctx.fact(calc.basis.name), calc.basis.title_zh, None, [])
    option = ctx.fact(calc.table_by.fact)
    table = calc.table_by.tables[option]
    steps = [Step(description=f"适用{table}（{calc.table_by.labels[option]}）")]
    return table_award(ctx, table, ctx.fact(calc.basis.name), calc.basis.title_zh, option, steps)


def table_award(ctx: Context, table_name: str, basis: Decimal, basis_title: str, option: str | None,
                steps: list[Step]) -> RawAward:
    clause = ctx.clause
    table = ctx.tables.get(table_name, clause.document_number, clause.clause_number)
    steps.append(Step(description=f"{table_name}来源：{table.source_note}"
                                  + ("（测试数据）" if table.test_data else "")))
    row = table.reached(basis)
    if row is None:
        first = table.rows[0]
        raise NotEligible(f"{basis_title}{yuan(basis)}元，未达到{table_name}最低档（{yuan(first.min_yuan)}元）",
                          rule="threshold")
    steps.append(Step(description=f"{basis_title}{yuan(basis)}元，达到{table_name}“{row.tier}”档"
                                  f"（门槛{yuan(row.min_yuan)}元）", value=row.tier))
    previous = [(p.tier, p) for p in ctx.mine() if p.option == option and p.tier is not None]
    try:
        ranks = [(table.rank(tier), p) for tier, p in previous]
    except KeyError as missing:
        raise FactsInvalid("prior", f"以往奖励的档位“{missing.args[0]}”不在{table_name}中") from None
    if ranks:
        best_rank, best = max(ranks, key=lambda pair: pair[0])
        if best_rank >= table.rank(row.tier):
            raise NotEligible(
                f"已于{best.year}年享受{table_name}“{best.tier}”档奖励；同一档位只奖励一次，"
                f"本次达到的“{row.tier}”档未高于已奖励档位", rule="already_awarded")
        steps.append(Step(description=f"此前已奖励“{best.tier}”档，本次为首次达到“{row.tier}”档"))
    with exact():
        amount = row.award(basis)
    if row.rate is not None:
        steps.append(Step(description=f"“{row.tier}”档：{yuan(basis)}元 × {pct(row.rate)} = {yuan(amount)}元",
                          value=yuan(amount)))
    else:
        steps.append(Step(description=f"“{row.tier}”档奖励（只奖最高档，不累加低档）", value=yuan(amount)))
    return RawAward(amount=amount, steps=steps, tier=row.tier, option=option)
