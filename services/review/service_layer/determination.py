"""核定: the department fixes the amount with the policy calculator on the facts it verified."""
from __future__ import annotations

from typing import Any

from contracts.common import Citation, DeterminationRef
from infra.errors import DataUnavailable, FieldError, InvalidRequest


def determine(clause_id: str, facts: dict[str, Any]) -> DeterminationRef:
    from policies.calculator import calculate  # TODO(lead): top-level once policies lands
    from policies.errors import FactsInvalid, NotEligible, PolicyError, TableUnavailable

    try:
        result = calculate(clause_id, facts)
    except FactsInvalid as error:
        raise InvalidRequest(
            f"核定所依据的事实有误: {error.message}",
            errors=[FieldError(field=f"verified_facts.{f}", reason=r) for f, r in error.field_reasons()],
        ) from None
    except NotEligible as error:
        raise InvalidRequest.on("verified_facts", f"不符合申报条件: {error.message}") from None
    except TableUnavailable as error:
        raise DataUnavailable(error.message, table=error.table, document_number=error.document_number) from None
    except PolicyError as error:
        raise InvalidRequest.on("verified_facts", error.message) from None
    return DeterminationRef(
        clause_id=clause_id,
        amount_fen=result.amount_fen,
        capped_by=result.capped_by,
        citation=Citation(
            document_number=result.citation.document_number,
            document_title=result.citation.document_title,
            clause_number=result.citation.clause_number,
        ),
        steps=[step.model_dump(mode="json") for step in result.steps],
    )
