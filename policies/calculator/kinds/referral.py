"""The chain-leader referral award (9.2.1): 1% of the project's completed fixed-asset investment,
one-off (investment complete and in production) or in two phases (phase 1 on partial investment
and production, phase 2 on the remainder once complete), at most 500万 per project in total."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, StrictBool

from policies.calculator.facts import fact, fact_field
from policies.calculator.kinds.base import Context, calculation, check_threshold, yuan
from policies.calculator.models import RawAward, Step
from policies.catalogue import Clause
from policies.catalogue.models import ReferralCalc
from policies.errors import FieldProblem, NotEligible
from policies.money import Yuan, exact, pct

PHASE_ZH = {"one_off": "一次性奖励", "phase_1": "第一阶段奖励", "phase_2": "第二阶段奖励"}
PHASE_CHOICES = {"one_off": "完成全部投资且投产的一次性奖励", "phase_1": "完成部分投资且投产",
                 "phase_2": "完成全部投资且投产后的剩余部分"}


def fields(clause: Clause) -> dict[str, Any]:
    calc = calculation(clause, ReferralCalc)
    return {
        calc.fai_threshold.fact: fact_field(Yuan, calc.fai_threshold.title_zh),
        "completed_fai_yuan": fact_field(Yuan, "项目已完成固定资产投资额（元，累计）"),
        "phase": fact_field(Literal["one_off", "phase_1", "phase_2"], "申请阶段",
                            "；".join(f"{k}={v}" for k, v in PHASE_CHOICES.items()), labels=PHASE_CHOICES),
        "investment_complete": fact_field(StrictBool, "已完成全部投资"),
        "in_production": fact_field(StrictBool, "项目已投产"),
        "phase_1_completed_fai_yuan": fact_field(
            Yuan, "第一阶段奖励所依据的已完成固定资产投资额（元）", "申请第二阶段时必填", required=False),
    }


def check(clause: Clause, facts: BaseModel) -> list[FieldProblem]:
    if fact(facts, "phase") != "phase_2":
        return []
    earlier = fact(facts, "phase_1_completed_fai_yuan")
    if earlier is None:
        return [FieldProblem("phase_1_completed_fai_yuan", "申请第二阶段奖励时必填")]
    if earlier > fact(facts, "completed_fai_yuan"):
        return [FieldProblem("phase_1_completed_fai_yuan", "不得大于项目已完成固定资产投资额")]
    return []


def compute(ctx: Context) -> RawAward:
    calc = calculation(ctx.clause, ReferralCalc)
    phase = ctx.fact("phase")
    steps = [check_threshold(calc.fai_threshold, ctx.fact(calc.fai_threshold.fact))]
    if not ctx.fact("in_production"):
        raise NotEligible("项目尚未投产；一次性和分阶段奖励均以投产为条件", rule="phase")
    complete = ctx.fact("investment_complete")
    done = {p.option: p for p in ctx.mine() if p.project_id == ctx.subject.project_id}
    paid = next((option for option in (phase, "one_off", "phase_2") if option in done), None)
    if paid is not None:
        raise NotEligible(f"项目{ctx.subject.project_id}已于{done[paid].year}年发放{PHASE_ZH[paid]}",
                          rule="already_awarded")
    completed = ctx.fact("completed_fai_yuan")
    if phase == "one_off":
        if not complete:
            raise NotEligible("尚未完成全部投资，应申请第一阶段奖励", rule="phase")
        if "phase_1" in done:
            raise NotEligible("该项目已发放第一阶段奖励，应申请第二阶段奖励", rule="phase")
        basis, basis_text = completed, f"完成全部投资且投产：项目完成固定资产投资额{yuan(completed)}元"
    elif phase == "phase_1":
        if complete:
            raise NotEligible("已完成全部投资且投产，应申请一次性奖励", rule="phase")
        basis, basis_text = completed, f"完成部分投资且投产：已完成固定资产投资额{yuan(completed)}元"
    else:
        if not complete:
            raise NotEligible("尚未完成全部投资，第二阶段奖励待完成全部投资且投产后给予", rule="phase")
        if "phase_1" not in done:
            raise NotEligible("该项目未发放第一阶段奖励，应申请一次性奖励", rule="phase")
        earlier = ctx.fact("phase_1_completed_fai_yuan")
        with exact():
            basis = completed - earlier
        basis_text = (f"剩余部分：完成固定资产投资额{yuan(completed)}元 − 第一阶段已奖励部分{yuan(earlier)}元"
                      f" = {yuan(basis)}元")
    with exact():
        amount = basis * calc.rate
    steps += [
        Step(description=f"{PHASE_ZH[phase]}：{basis_text}", value=yuan(basis)),
        Step(description=f"{yuan(basis)}元 × {pct(calc.rate)} = {yuan(amount)}元", value=yuan(amount)),
    ]
    return RawAward(amount=amount, steps=steps, option=phase)
