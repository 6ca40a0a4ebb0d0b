"""Start-up guaranteed loans: the eligible principal (not a grant) by borrower kind and term."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, StrictInt

from policies.calculator.facts import choice_field, fact_field
from policies.calculator.kinds.base import Context, calculation, yuan
from policies.calculator.models import RawAward, Step
from policies.catalogue import Clause
from policies.catalogue.models import LoanCalc
from policies.errors import FieldProblem, NotEligible
from policies.money import PositiveYuan


def fields(clause: Clause) -> dict[str, Any]:
    calc = calculation(clause, LoanCalc)
    return {
        calc.borrower.fact: choice_field(calc.borrower),
        calc.principal.name: fact_field(PositiveYuan, calc.principal.title_zh, calc.principal.hint_zh),
        "term_months": fact_field(StrictInt, "贷款期限（月）", ge=1),
    }


def check(clause: Clause, facts: BaseModel) -> list[FieldProblem]:
    return []


def compute(ctx: Context) -> RawAward:
    calc = calculation(ctx.clause, LoanCalc)
    borrower = ctx.fact(calc.borrower.fact)
    label = calc.borrower.values[borrower]
    term, longest = ctx.fact("term_months"), calc.max_term_months[borrower]
    if term > longest:
        raise NotEligible(f"{label}贷款期限{term}个月，超过最长{longest}个月", rule="threshold")
    principal = ctx.fact(calc.principal.name)
    steps = [
        Step(description=f"借款人：{label}；期限{term}个月，不超过最长{longest}个月"),
        Step(description=f"{calc.principal.title_zh}{yuan(principal)}元（本条为财政贴息贷款额度，贴息比例原文未载明）",
             value=yuan(principal)),
    ]
    return RawAward(amount=principal, steps=steps, option=borrower)
