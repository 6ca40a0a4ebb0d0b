"""Page logic of the public policy pages: the catalogue by document, one clause in the policy's own words, and
the calculator (a clause and facts → the amount with its steps, citation and the cap that bound it)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from services.portal.adapters import calculator, intake
from services.portal.adapters.calculator import Determination
from services.portal.adapters.services import ServiceClients, ServiceRefused
from services.portal.domain.facts_form import FactsForm, FormField, facts_of, fields_of, place_errors, read

KIND_LABELS = {"award": "奖励", "subsidy": "补助", "loan_principal": "贴息贷款额度"}
PAYOUT_LABELS = {"one_off": "一次性拨付", "two_phase": "分两期拨付", "following_year": "次年拨付"}
APPLICANT_LABELS = {
    "enterprise": "企业", "university": "高校", "institute": "科研院所", "new_rd_institution": "新型研发机构",
    "zone_committee": "开发区管委会", "investment_firm": "投资机构", "agency": "服务机构", "guarantee_agency": "担保机构",
    "individual": "个人", "platform": "平台", "incubator": "孵化载体", "legal_entity": "法人单位",
}
CALCULATOR_ENTITY = "试算"  # the calculator's stand-in for the applicant (caps per entity count this award alone)


@dataclass(frozen=True)
class Document:
    number: str
    title: str
    clauses: list[intake.Clause]


def catalogue(clients: ServiceClients, client_address: str | None) -> list[Document]:
    """The catalogue by issuing document, in the catalogue's order."""
    documents = []
    for number, group in groupby(intake.clauses(clients, client_address), key=lambda c: c.document_number):
        members = list(group)
        documents.append(Document(number, members[0].document_title, members))
    return documents


def applicants_zh(clause: intake.Clause) -> str:
    return "、".join(APPLICANT_LABELS.get(kind, kind) for kind in clause.applicants)


@dataclass
class Calculation:
    """The calculator's page: the form for one clause, and its answer or the reason there is none."""

    clause: intake.ClauseDetail
    form: FactsForm
    result: Determination | None = None
    refusal: str | None = None

    @property
    def fields(self) -> list[FormField]:
        return self.form.fields


def calculation_form(clients: ServiceClients, client_address: str | None, clause_id: str,
                     values: Mapping[str, Any] | None = None) -> Calculation:
    clause = intake.clause(clients, client_address, clause_id)
    fields = fields_of(clause.facts_schema)
    return Calculation(clause, read(fields, values or {}))


def calculate(clients: ServiceClients, client_address: str | None, page: Calculation, entity_id: str) -> Calculation:
    """Ask review's calculator; a fact it cannot use comes back beside its field, any other refusal whole."""
    facts = facts_of(page.form)
    if page.form.errors:
        return page
    try:
        page.result = calculator.calculate(clients, client_address, page.clause.id, {**facts, "entity_id": entity_id})
    except ServiceRefused as refused:
        page.refusal = explain(page.form, refused)
    return page


def explain(form: FactsForm, refused: ServiceRefused, others: tuple[str, ...] = ()) -> str | None:
    """A service's refusal beside the fields it names (by the whole field path); what concerns no field
    (not eligible, a table not loaded, too many requests) comes back to be shown above the form."""
    placed = place_errors(form.fields, reasons(refused), others)
    general = placed.pop("", None)
    form.errors.update(placed)
    return general if general or placed else refused.error.message


def reasons(refused: ServiceRefused) -> dict[str, str]:
    """The refusal's reasons by field path as the service's request body names them ("body." and pydantic's
    "Value error, " are how FastAPI words a validation error, not what people need to read)."""
    return {item.field.removeprefix("body."): item.reason.removeprefix("Value error, ") for item in refused.error.errors}
