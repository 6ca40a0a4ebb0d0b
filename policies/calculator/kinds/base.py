"""What a calculation kind sees, and small helpers the kinds share."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from policies.calculator.facts import fact
from policies.calculator.models import PriorAward, RawAward, Step
from policies.calculator.rules import Subject, same_benefit
from policies.catalogue import Clause
from policies.catalogue.models import CalcBase, Threshold
from policies.errors import FieldProblem, NotEligible
from policies.money import format_yuan, plain, to_fen
from policies.tables import TierTables

CalcT = TypeVar("CalcT", bound=CalcBase)


def calculation(clause: Clause, kind: type[CalcT]) -> CalcT:
    """The clause's calculation as the kind reading it expects (kinds are chosen by `calculation.kind`)."""
    calc = clause.calculation
    if not isinstance(calc, kind):
        raise TypeError(f"{clause.id}: a {calc.kind} calculation is not a {kind.__name__}")
    return calc


@dataclass(frozen=True)
class Context:
    clause: Clause
    facts: BaseModel
    subject: Subject
    priors: Sequence[PriorAward]
    tables: TierTables

    def fact(self, name: str) -> Any:
        return fact(self.facts, name)

    def mine(self, option: str | None = None, *, any_option: bool = True) -> list[PriorAward]:
        """Prior awards of this benefit to this entity (optionally of one option)."""
        return [p for p in same_benefit(self.clause, self.priors)
                if p.entity_id == self.subject.entity_id and (any_option or p.option == option)]


class Kind(Protocol):
    def fields(self, clause: Clause) -> dict[str, Any]: ...

    def check(self, clause: Clause, facts: BaseModel) -> list[FieldProblem]: ...

    def compute(self, ctx: Context) -> RawAward: ...


def yuan(value: Decimal) -> str:
    """An exact yuan value for a step: whole fen shown with two decimals, finer values in full."""
    if value == value.quantize(Decimal("0.01")):
        return format_yuan(to_fen(value))
    return plain(value)


def check_threshold(threshold: Threshold, value: Decimal) -> Step:
    reached = value >= threshold.min_yuan if threshold.inclusive else value > threshold.min_yuan
    if not reached:
        raise NotEligible(f"{threshold.title_zh}为{yuan(value)}元，未达到{threshold.text_zh}", rule="threshold")
    return Step(description=f"门槛：{threshold.title_zh}{yuan(value)}元，达到{threshold.text_zh}", value=yuan(value))
