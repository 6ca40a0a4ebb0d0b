"""calculate(): clause id + facts (+ prior awards, + tier tables) -> Determination.

Order: facts → effective period → conditions → one recipient per project → the kind's
arithmetic → exclusivity → never twice → rounding to the fen → caps.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from policies.calculator import rules
from policies.calculator.facts import facts_model, parse_facts
from policies.calculator.kinds import kind_of
from policies.calculator.kinds.base import Context, yuan
from policies.calculator.models import Determination, PriorAward, Step
from policies.catalogue import Catalogue, Clause, load_catalogue
from policies.errors import FactsInvalid, FieldProblem, NotEligible
from policies.money import ROUNDING_RULE, format_yuan, to_fen
from policies.tables import TierTables


def calculate(clause_id: str, facts: Mapping[str, Any], prior: Sequence[PriorAward | Mapping[str, Any]] = (),
              tables: TierTables | None = None, *, catalogue: Catalogue | None = None) -> Determination:
    catalogue = catalogue or load_catalogue()
    clause = catalogue.get(clause_id)
    parsed = parse_facts(clause, facts)
    priors = parse_priors(prior, catalogue)
    subject = rules.Subject(parsed)
    rules.check_period(clause, subject.year)
    steps = rules.check_conditions(clause, parsed)
    rules.check_one_recipient(clause, subject, priors)
    raw = kind_of(clause).compute(Context(clause, parsed, subject, priors, tables or TierTables()))
    steps += rules.check_exclusivity(catalogue, clause, subject, raw, priors)
    rules.check_unique(clause, subject, raw, priors)
    steps += raw.steps
    amount_fen = to_fen(raw.amount)
    if format_yuan(amount_fen) != yuan(raw.amount):
        steps.append(Step(description=f"四舍五入到分：{yuan(raw.amount)}元 → {format_yuan(amount_fen)}元",
                          value=format_yuan(amount_fen)))
    if amount_fen <= 0:
        raise NotEligible("计算所得金额为0元，无可核定金额", rule="zero")
    amount_fen, binding, cap_steps = rules.apply_caps(clause, subject, raw, amount_fen, priors)
    steps += cap_steps
    steps.append(Step(description=f"核定金额：{format_yuan(amount_fen)}元", value=format_yuan(amount_fen)))
    return Determination(
        clause_id=clause.id, benefit_id=clause.benefit_id, entity_id=subject.entity_id,
        project_id=subject.project_id, year=subject.year, option=raw.option, tier=raw.tier,
        amount_kind=clause.amount_kind, amount_fen=amount_fen, amount_yuan=format_yuan(amount_fen),
        capped_by=binding.name if binding else None, capped_by_zh=binding.title_zh if binding else None,
        citation=clause.citation, steps=steps, rounding=ROUNDING_RULE, payout_mode=clause.payout_mode,
        payable_year=raw.payable_year,
    )


def validate_facts(clause_id: str, facts: Mapping[str, Any], *, catalogue: Catalogue | None = None) -> BaseModel:
    """The validated facts model instance, or FactsInvalid with every problem."""
    return parse_facts((catalogue or load_catalogue()).get(clause_id), facts)


def facts_schema(clause_id: str, *, catalogue: Catalogue | None = None) -> dict[str, Any]:
    """JSON Schema of a clause's facts (for OpenAPI)."""
    clause: Clause = (catalogue or load_catalogue()).get(clause_id)
    return facts_model(clause).model_json_schema()


def parse_priors(prior: Sequence[PriorAward | Mapping[str, Any]], catalogue: Catalogue) -> list[PriorAward]:
    if isinstance(prior, (str, bytes, Mapping)):
        raise FactsInvalid("prior", "以往奖励应为列表")
    parsed, problems = [], []
    for index, item in enumerate(prior):
        try:
            award = item if isinstance(item, PriorAward) else PriorAward.model_validate(item)
        except ValidationError as exc:
            problems += [FieldProblem(f"prior[{index}].{'.'.join(map(str, e['loc']))}", e["msg"])
                         for e in exc.errors()]
            continue
        if award.clause_id in catalogue and catalogue.get(award.clause_id).benefit_id != award.benefit_id:
            problems.append(FieldProblem(f"prior[{index}].benefit_id",
                                         f"条款{award.clause_id}的 benefit_id 应为"
                                         f"{catalogue.get(award.clause_id).benefit_id}"))
        parsed.append(award)
    if problems:
        raise FactsInvalid(problems=problems)
    return parsed
