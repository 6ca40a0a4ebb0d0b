"""The policy catalogue at intake: what an application is checked against, and what applicants read
(each clause's 文号, original text and facts schema, public)."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from contracts.api.intake import CapPublic, ClauseDetail, ClausePublic
from infra.errors import FieldError, InvalidRequest, NotFound
from policies.calculator import facts_schema, validate_facts
from policies.catalogue import Clause, load_catalogue
from policies.errors import FactsInvalid, PolicyError, UnknownClause


def check_application(clause_id: str, applicant_kind: str, facts: dict[str, Any]) -> None:
    try:
        clause = load_catalogue().get(clause_id)
    except UnknownClause:
        raise InvalidRequest.on("clause_id", f"未知条款 {clause_id}, 请以 duixian policy list 所列标识申报") from None
    if clause.applicants and applicant_kind not in clause.applicants and "legal_entity" not in clause.applicants:
        raise InvalidRequest.on("applicant.kind", f"条款 {clause_id} 的申报主体为 {', '.join(clause.applicants)}")
    try:
        validate_facts(clause_id, facts)
    except FactsInvalid as error:
        raise InvalidRequest(
            f"申报事实不完整或有误: {error.message}",
            errors=[FieldError(field=f"facts.{p.field}", reason=p.reason) for p in error.problems],
        ) from None
    except PolicyError as error:
        raise InvalidRequest.on("facts", error.message) from None


def with_applicant_identity(clause_id: str, uscc: str, facts: dict[str, Any]) -> dict[str, Any]:
    """The entity a clause's caps count against is the applicant itself: filled in, never someone else."""
    if not _counts_an_entity(clause_id):
        return facts
    declared = facts.get("entity_id")
    if declared not in (None, uscc):
        raise InvalidRequest.on("facts.entity_id", "申报主体标识须为申请单位本身的统一社会信用代码")
    return {**facts, "entity_id": uscc}


@lru_cache(maxsize=256)  # the catalogue's clauses; an unknown id only churns it
def _counts_an_entity(clause_id: str) -> bool:
    """Whether the clause's facts name the entity (generating the schema took a fifth of a submission's time)."""
    try:
        return "entity_id" in facts_schema(clause_id).get("properties", {})
    except UnknownClause:
        return False


def catalogue_page() -> list[ClausePublic]:
    return [_public(clause) for clause in load_catalogue()]


def clause_detail(clause_id: str) -> ClauseDetail:
    try:
        clause = load_catalogue().get(clause_id)
    except UnknownClause:
        raise NotFound(f"目录中没有条款“{clause_id}”", clause_id=clause_id) from None
    return ClauseDetail(**_public(clause).model_dump(), facts_schema=facts_schema(clause_id))


def _public(clause: Clause) -> ClausePublic:
    return ClausePublic(
        id=clause.id, document_number=clause.document_number, document_title=clause.document_title,
        clause_number=clause.clause_number, title_zh=clause.title_zh, amount_kind=clause.amount_kind,
        applicants=list(clause.applicants), applicant_note_zh=clause.applicant_note_zh,
        departments_zh=list(dict.fromkeys(d.name_zh for d in clause.departments)), payout_mode=clause.payout_mode,
        caps=[CapPublic(title_zh=cap.title_zh, amount_yuan=cap.amount_yuan) for cap in clause.caps],
        publicity_required=clause.publicity_required, effective_from=clause.effective_from,
        effective_to=clause.effective_to, source_excerpt=clause.source_excerpt, notes_zh=list(clause.notes_zh),
    )
