"""One pydantic facts model per clause, built from the catalogue entry.

Every model has `entity_id` and `year`; `project_id` when the clause works per project, item or
deal; one required true/false field per eligibility condition; a field per choice; and the fields
of its calculation kind. Unknown fields are refused, so a misspelt fact cannot pass silently.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError, create_model
from pydantic.config import JsonDict

from policies.catalogue.models import Choice, Clause
from policies.errors import FactsInvalid, FieldProblem
from policies.text import Text
from policies.validation import problems_from

_models: dict[int, tuple[Clause, type[BaseModel]]] = {}


def fact(facts: BaseModel, name: str) -> Any:
    """A fact of a model built at run time from the clause (its fields are not known statically)."""
    return getattr(facts, name)


class FactsBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def choice_field(choice: Choice, *, required: bool = True) -> tuple[Any, Any]:
    described = "；".join(f"{key}={label}" for key, label in choice.values.items())
    annotation: Any = Literal[tuple(choice.values)]  # the values are the clause's, known at run time
    labels: JsonDict = {"labels_zh": dict(choice.values)}  # each value's Chinese label, for forms built from the schema
    if required:
        return annotation, Field(title=choice.title_zh, description=described, json_schema_extra=labels)
    return annotation | None, Field(default=None, title=choice.title_zh, description=described, json_schema_extra=labels)


def fact_field(annotation: Any, title: str, hint: str | None = None, *, required: bool = True,
               labels: dict[str, str] | None = None, condition: bool = False, **constraints: Any) -> tuple[Any, Any]:
    """A fact; `labels` names each value of a choice in Chinese (labels_zh in the schema, for forms);
    `condition`: an eligibility condition of the clause (a yes/no the applicant confirms)."""
    extra: JsonDict = {}
    if hint:
        extra["hint_zh"] = hint
    if labels:
        extra["labels_zh"] = dict(labels)
    if condition:
        extra["condition"] = condition
    if required:
        return annotation, Field(title=title, description=hint, json_schema_extra=extra or None, **constraints)
    return annotation | None, Field(default=None, title=title, description=hint, json_schema_extra=extra or None,
                                    **constraints)


def facts_model(clause: Clause) -> type[BaseModel]:
    cached = _models.get(id(clause))
    if cached and cached[0] is clause:
        return cached[1]
    from policies.calculator.kinds import kind_of

    calc = clause.calculation
    fields: dict[str, Any] = {
        "entity_id": fact_field(Text, "申报主体标识", "建议使用统一社会信用代码", min_length=1),
        "year": fact_field(StrictInt, "申报（核定）年度", ge=2000, le=2100),
    }
    if calc.project_title_zh:
        fields["project_id"] = fact_field(Text, calc.project_title_zh, min_length=1)
    if calc.payable_year_after:
        ref = calc.payable_year_after
        fields[ref.name] = fact_field(StrictInt, ref.title_zh, ref.hint_zh, ge=2000, le=2100)
    for choice in clause.categorical_facts:
        fields[choice.fact] = choice_field(choice)
    for condition in clause.conditions:
        fields[condition.fact] = fact_field(StrictBool, condition.label_zh, required=condition.when is None, condition=True)
    for flag in clause.priority_flags:
        fields[flag.fact] = fact_field(StrictBool, flag.label_zh, "优先支持情形（可选）", required=False)
    kind_fields = kind_of(clause).fields(clause)
    clash = set(kind_fields) & set(fields)
    if clash:
        raise ValueError(f"{clause.id}: facts declared twice: {sorted(clash)}")
    fields.update(kind_fields)
    model = create_model(
        "Facts_" + clause.id.replace("-", "_").replace(".", "_"),
        __base__=FactsBase,
        __doc__=f"申报事实：{clause.document_number} {clause.clause_number} {clause.title_zh}",
        **fields,
    )
    _models[id(clause)] = (clause, model)
    return model


def parse_facts(clause: Clause, facts: Any) -> BaseModel:
    """Validate `facts` for `clause`, or raise FactsInvalid with every problem found."""
    if not isinstance(facts, Mapping):
        raise FactsInvalid("<facts>", "申报事实应为对象（字段名: 值）")
    model = facts_model(clause)
    try:
        parsed = model.model_validate(dict(facts))
    except ValidationError as exc:
        raise FactsInvalid(problems=problems_from(exc, model)) from None
    from policies.calculator.kinds import kind_of

    problems = [FieldProblem(c.fact, f"缺少必填项（{c.label_zh}）")
                for c in clause.conditions
                if c.when and _applies(c.when, parsed) and getattr(parsed, c.fact) is None]
    problems += kind_of(clause).check(clause, parsed)
    if problems:
        raise FactsInvalid(problems=problems)
    return parsed


def _applies(when: dict[str, str], facts: BaseModel) -> bool:
    return all(getattr(facts, name, None) == value for name, value in when.items())
