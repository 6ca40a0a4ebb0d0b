"""Rules shared by every clause: eligibility conditions, effective period, one recipient per
project, exclusivity groups, never-twice, and caps over the prior awards."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from pydantic import BaseModel

from policies.calculator.facts import fact
from policies.calculator.models import PriorAward, RawAward, Step
from policies.catalogue import Catalogue, Clause
from policies.catalogue.models import Cap
from policies.errors import CapExhausted, NotEligible
from policies.money import format_yuan, yuan_zh

UNIQUE_KEY_ZH = {"entity": "主体", "project": "项目", "tier": "档次/类型", "option": "方式", "year": "年度"}


class Subject:
    """Who and what an award is for, read from the facts."""

    def __init__(self, facts: BaseModel) -> None:
        self.entity_id: str = fact(facts, "entity_id")
        self.year: int = fact(facts, "year")
        self.project_id: str | None = getattr(facts, "project_id", None)


def check_conditions(clause: Clause, facts: BaseModel) -> list[Step]:
    unmet = [c.label_zh for c in clause.conditions
             if (c.when is None or all(getattr(facts, k, None) == v for k, v in c.when.items()))
             and getattr(facts, c.fact) is not True]
    if unmet:
        raise NotEligible("；".join(unmet), rule="condition", reasons=unmet)
    steps = [Step(description=f"条件已申报满足：{c.label_zh}") for c in clause.conditions
             if getattr(facts, c.fact) is True]
    for choice in clause.categorical_facts:
        steps.append(Step(description=f"{choice.title_zh}：{choice.values[getattr(facts, choice.fact)]}"))
    for flag in clause.priority_flags:
        if getattr(facts, flag.fact) is True:
            steps.append(Step(description=f"优先支持：{flag.label_zh}"))
    return steps


def check_period(clause: Clause, year: int) -> None:
    if clause.effective_from and dt.date(year, 12, 31) < clause.effective_from:
        raise NotEligible(f"{year}年早于本条生效日期{clause.effective_from.isoformat()}", rule="period")
    if clause.effective_to and dt.date(year, 1, 1) > clause.effective_to:
        raise NotEligible(f"{year}年晚于本条截止日期{clause.effective_to.isoformat()}", rule="period")


def same_benefit(clause: Clause, priors: Iterable[PriorAward]) -> list[PriorAward]:
    return [p for p in priors if p.benefit_id == clause.benefit_id]


def check_one_recipient(clause: Clause, subject: Subject, priors: Sequence[PriorAward]) -> None:
    if not clause.calculation.one_entity_per_project:
        return
    others = [p for p in same_benefit(clause, priors)
              if p.project_id == subject.project_id and p.entity_id != subject.entity_id]
    if others:
        raise NotEligible(
            f"项目{subject.project_id}已由{others[0].entity_id}享受本项奖励；同一项目主要由一个法人单位享受奖励",
            rule="one_recipient")


def check_exclusivity(catalogue: Catalogue, clause: Clause, subject: Subject, raw: RawAward,
                      priors: Sequence[PriorAward]) -> list[Step]:
    steps = []
    for group in catalogue.groups_of(clause):
        mine = [m for m in group.members
                if m.benefit_id == clause.benefit_id and m.option in (None, raw.option)]
        rivals = [m for m in group.members if m not in mine]
        for prior in priors:
            if not _in_group_scope(group.scope, prior, subject):
                continue
            for rival in rivals:
                if prior.benefit_id == rival.benefit_id and rival.option in (None, prior.option):
                    raise NotEligible(
                        f"{group.title_zh}：{prior.year}年已享受“{rival.title_zh}”", rule="exclusive")
        steps.append(Step(description=f"互斥检查通过：{group.title_zh}"))
    return steps


def _in_group_scope(scope: str, prior: PriorAward, subject: Subject) -> bool:
    if scope == "per_item":
        return prior.project_id is not None and prior.project_id == subject.project_id
    same_entity = prior.entity_id == subject.entity_id
    return same_entity and (scope == "per_entity" or prior.year == subject.year)


def check_unique(clause: Clause, subject: Subject, raw: RawAward, priors: Sequence[PriorAward]) -> None:
    keys = clause.calculation.unique_by
    if not keys:
        return
    mine = {"entity": subject.entity_id, "project": subject.project_id, "tier": raw.tier,
            "option": raw.option, "year": subject.year}
    for prior in same_benefit(clause, priors):
        theirs = {"entity": prior.entity_id, "project": prior.project_id, "tier": prior.tier,
                  "option": prior.option, "year": prior.year}
        if all(mine[k] == theirs[k] for k in keys):
            same = "、".join(UNIQUE_KEY_ZH[k] for k in keys)
            raise NotEligible(
                f"已享受过本项奖励（{prior.clause_id}，{prior.year}年，{format_yuan(prior.amount_fen)}元）；"
                f"同一{same}不重复奖励", rule="already_awarded")


def caps_for(clause: Clause, option: str | None) -> list[Cap]:
    return [cap for cap in clause.caps if cap.option is None or cap.option == option]


def used_in_scope(cap: Cap, clause: Clause, subject: Subject, option: str | None,
                  priors: Sequence[PriorAward]) -> int:
    relevant = [p for p in same_benefit(clause, priors) if cap.option is None or p.option == option]
    if cap.scope in ("per_item", "per_deal", "per_project_cumulative"):
        relevant = [p for p in relevant if p.project_id == subject.project_id]
    elif cap.scope == "per_entity_per_year":
        relevant = [p for p in relevant if p.entity_id == subject.entity_id and p.year == subject.year]
    elif cap.scope == "per_entity_cumulative":
        relevant = [p for p in relevant if p.entity_id == subject.entity_id]
    else:
        relevant = []
    return sum(p.amount_fen for p in relevant)


def apply_caps(clause: Clause, subject: Subject, raw: RawAward, amount_fen: int,
               priors: Sequence[PriorAward]) -> tuple[int, Cap | None, list[Step]]:
    """Reduce the amount to what every applicable cap still allows.

    A cap binds (and is reported in capped_by) only when it lowers the amount; an amount equal to
    the remaining room is not capped. A cap the priors have used up raises CapExhausted.
    """
    steps: list[Step] = []
    binding: Cap | None = None
    for cap in caps_for(clause, raw.option):
        if cap.amount_yuan is None:  # scope "none"
            steps.append(Step(description=f"不设上限：{cap.title_zh}"))
            continue
        limit = cap.amount_yuan * 100
        used = used_in_scope(cap, clause, subject, raw.option, priors)
        room = limit - used
        if room <= 0:
            raise CapExhausted(cap.name, cap.title_zh, limit, used)
        note = f"上限：{cap.title_zh}（{yuan_zh(limit)}）"
        if used:
            note += f"；此前已核定{format_yuan(used)}元，尚余{format_yuan(room)}元"
        steps.append(Step(description=note, value=format_yuan(room)))
        if amount_fen > room:
            amount_fen = room
            binding = cap
            steps.append(Step(description=f"超过上限，按上限核定：{cap.title_zh}", value=format_yuan(room)))
    return amount_fen, binding, steps
