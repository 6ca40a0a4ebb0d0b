"""核定: the department fixes the amount with the policy calculator on the facts it verified."""
from __future__ import annotations

from typing import Any

from contracts.api.review import Calculate
from contracts.common import Citation, DeterminationRef
from infra.errors import Conflict, DataUnavailable, FieldError, InvalidRequest
from policies.calculator import PriorAward, calculate
from policies.catalogue import load_catalogue
from policies.errors import CalendarUnavailable, CapExhausted, FactsInvalid, NotEligible, PolicyError, TableUnavailable
from policies.tables import TierTables


def determine(
    clause_id: str, facts: dict[str, Any], prior: list[PriorAward] | None = None, tables: TierTables | None = None,
    *, field: str = "verified_facts",
) -> DeterminationRef:
    """The calculator's determination in the contracts' form; its refusals in the house format, on `field`
    (the verified facts of a decision, or the facts a visitor gave the public calculator)."""
    try:
        result = calculate(clause_id, facts, prior or (), tables)
    except FactsInvalid as error:
        raise InvalidRequest(
            f"核定所依据的事实有误: {error.message}",
            errors=[FieldError(field=f"{field}.{p.field}", reason=p.reason) for p in error.problems],
        ) from None
    except NotEligible as error:
        raise InvalidRequest.on(field, error.message, rule=error.rule) from None
    except CapExhausted as error:
        raise Conflict(error.message, cap=error.cap, limit_fen=error.limit_fen, used_fen=error.used_fen) from None
    except (TableUnavailable, CalendarUnavailable) as error:
        raise DataUnavailable(error.message, **error.details()) from None
    except PolicyError as error:
        raise InvalidRequest.on(field, error.message) from None
    return DeterminationRef(
        clause_id=clause_id,
        amount_fen=result.amount_fen,
        capped_by=result.capped_by,
        capped_by_zh=result.capped_by_zh,
        citation=Citation(
            document_number=result.citation.document_number,
            document_title=result.citation.document_title,
            clause_number=result.citation.clause_number,
        ),
        steps=[step.model_dump(mode="json") for step in result.steps],
        benefit_id=result.benefit_id,
        entity_id=result.entity_id,
        project_id=result.project_id,
        year=result.year,
        tier=result.tier,
        option=result.option,
        payout_mode=result.payout_mode,
        payable_year=result.payable_year,
        rounding=result.rounding,
        facts=facts,
    )


def calculate_publicly(command: Calculate, tables: TierTables) -> DeterminationRef:
    """试算: the amount the calculator gives for stated facts, with its steps, citation and binding cap, on the
    tier tables review determines with. Prior awards are not known here, so caps over several awards
    (per year, per item, cumulative) count this award alone; the department's 核定 counts them all."""
    if command.clause_id not in load_catalogue():
        raise InvalidRequest.on("clause_id", f"目录中没有条款“{command.clause_id}”")
    return determine(command.clause_id, command.facts, tables=tables, field="facts")
