"""链主/链核 criteria (晋政办发〔2023〕44号 10.1/10.2) for an enterprise before it nominates itself: the facts a
nomination states (JSON Schema) and the pre-check on them, the same evaluation intake records beside a nomination."""
from __future__ import annotations

from pydantic import BaseModel

from contracts.api.intake import CriteriaCheck, CriteriaForm
from contracts.events.selection import SelectionKind
from infra.errors import FieldError, InvalidRequest
from policies.criteria import CoreFacts, CriteriaResult, LeaderFacts, evaluate
from policies.errors import FactsInvalid, PolicyError, UnknownChain
from policies.registry import load_registry

FACTS: dict[str, type[BaseModel]] = {"chain_leader": LeaderFacts, "chain_core": CoreFacts}
FILLED_IN = ("entity_id", "chain_id")  # intake sets these from the nomination itself


def criteria_form(kind: SelectionKind) -> CriteriaForm:
    schema = FACTS[kind].model_json_schema()
    schema["properties"] = {k: v for k, v in schema.get("properties", {}).items() if k not in FILLED_IN}
    return CriteriaForm(kind=kind, facts_schema=schema)


def check(kind: SelectionKind, uscc: str, command: CriteriaCheck) -> CriteriaResult:
    """The pre-check for stated facts; facts it cannot read come back beside their fields (422)."""
    try:
        chain = load_registry().chain(command.chain_id)
    except UnknownChain as error:
        raise InvalidRequest.on("chain_id", error.message) from None
    facts = {k: v for k, v in command.facts.items() if k not in FILLED_IN}
    try:
        return evaluate(kind, chain, {**facts, "entity_id": uscc, "chain_id": chain.id})
    except FactsInvalid as error:
        raise InvalidRequest(f"自荐申报事实不完整或有误: {error.message}",
                             errors=[FieldError(field=f"facts.{p.field}", reason=p.reason) for p in error.problems]) from None
    except PolicyError as error:
        raise InvalidRequest.on("facts.chain_category", error.message) from None
