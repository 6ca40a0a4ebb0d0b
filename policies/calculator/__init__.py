"""The award calculator: a pure function of the catalogue, the facts, the prior awards and the
loaded tier tables.

    calculate("jgx2024-9.2.1", facts, prior=[...], tables=TierTables(...)) -> Determination
"""
from policies.calculator.engine import calculate, facts_schema, validate_facts
from policies.calculator.facts import facts_model
from policies.calculator.models import Determination, PriorAward, Step
from policies.errors import (
    CapExhausted,
    FactsInvalid,
    FieldProblem,
    NotEligible,
    PolicyError,
    TableUnavailable,
    UnknownClause,
)
from policies.money import ROUNDING_RULE

__all__ = [
    "ROUNDING_RULE", "CapExhausted", "Determination", "FactsInvalid", "FieldProblem", "NotEligible",
    "PolicyError", "PriorAward", "Step", "TableUnavailable", "UnknownClause", "calculate",
    "facts_model", "facts_schema", "validate_facts",
]
