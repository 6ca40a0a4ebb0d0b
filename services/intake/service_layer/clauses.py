"""What intake checks against the policy catalogue before accepting an application."""
from __future__ import annotations

from typing import Any

from infra.errors import FieldError, InvalidRequest


def check_application(clause_id: str, applicant_kind: str, facts: dict[str, Any]) -> None:
    from policies.calculator import validate_facts  # TODO(lead): top-level once policies lands
    from policies.catalogue import load_catalogue
    from policies.errors import FactsInvalid, PolicyError, UnknownClause

    try:
        clause = load_catalogue().get(clause_id)
    except UnknownClause:
        raise InvalidRequest.on("clause_id", f"未知条款 {clause_id}, 请以 duixian policy list 所列标识申报") from None
    if clause.applicants and applicant_kind not in clause.applicants:
        raise InvalidRequest.on("applicant.kind", f"条款 {clause_id} 的申报主体为 {', '.join(clause.applicants)}")
    try:
        validate_facts(clause_id, facts)
    except FactsInvalid as error:
        raise InvalidRequest(
            f"申报事实不完整或有误: {error.message}",
            errors=[FieldError(field=f"facts.{f}", reason=r) for f, r in error.field_reasons()],
        ) from None
    except PolicyError as error:
        raise InvalidRequest.on("facts", error.message) from None
