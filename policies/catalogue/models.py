"""The shape of the clause catalogue: one YAML file per issuing document.

A file holds the document (文号, title, issuers), its exclusivity groups and its clauses.
`Clause` is a file entry plus the document fields copied in at load, so a clause stands alone.
The JSON Schema in policies/data/schema/ is generated from `CatalogueFile`.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from policies.money import Ratio

CLAUSE_ID_PATTERN = r"^[a-z]+[0-9]{4}-[0-9]+(\.[0-9]+)*(-[a-z0-9]+)*$"
NAME_PATTERN = r"^[a-z][a-z0-9_]*$"

ApplicantKind = Literal[
    "enterprise", "university", "institute", "new_rd_institution", "zone_committee",
    "investment_firm", "agency", "guarantee_agency", "individual", "platform", "incubator",
    "legal_entity",
]
PayoutMode = Literal["one_off", "two_phase", "following_year"]
AmountKind = Literal["award", "subsidy", "loan_principal"]
CapScope = Literal[
    "per_award",               # one determination
    "per_item",                # all awards of the benefit for one item (achievement, product): project_id
    "per_deal",                # all awards of the benefit for one deal: project_id
    "per_project_cumulative",  # all awards of the benefit for one project: project_id
    "per_entity_per_year",     # all awards of the benefit to one entity in one year
    "per_entity_cumulative",   # all awards of the benefit to one entity, any year
    "none",                    # the text says explicitly: no cap (上不封顶)
]
DepartmentBasis = Literal["responsible_unit", "named_in_clause", "issuing_authority", "related_clause"]
UniqueKey = Literal["entity", "project", "tier", "option", "year"]
Name = Annotated[str, Field(pattern=NAME_PATTERN)]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DepartmentRef(StrictModel):
    """A department on a clause's route.

    basis: responsible_unit = listed as 责任单位 of this clause; named_in_clause = the clause text
    names it doing something (e.g. 审核确认); issuing_authority = the text names no 责任单位, this is
    the issuer from the document title; related_clause = taken from the 责任单位 of the same
    benefit in another document (see role_zh).
    """

    id: Name
    name_zh: str
    basis: DepartmentBasis
    role_zh: str | None = None

    @property
    def named_in_text(self) -> bool:
        return self.basis in ("responsible_unit", "named_in_clause")


class Cap(StrictModel):
    name: Name
    title_zh: str
    scope: CapScope
    amount_yuan: StrictInt | None = Field(default=None, ge=0)
    option: str | None = None

    @model_validator(mode="after")
    def _amount_matches_scope(self) -> Cap:
        if (self.scope == "none") != (self.amount_yuan is None):
            raise ValueError("amount_yuan is required unless scope is none, and forbidden when it is")
        return self


class CostSharing(StrictModel):
    """市县财政分担 where the text says so. The split ratio is configuration, not text."""

    shared_by: list[Literal["city", "county"]]
    excerpt: str


class Condition(StrictModel):
    """A yes/no fact that must be true; `when` limits it to some choice values."""

    fact: Name
    label_zh: str
    when: dict[str, str] | None = None


class Choice(StrictModel):
    fact: Name
    title_zh: str
    values: dict[str, str]


class PriorityFlag(StrictModel):
    fact: Name
    label_zh: str


class FactRef(StrictModel):
    name: Name
    title_zh: str
    hint_zh: str | None = None


class Threshold(StrictModel):
    fact: Name
    title_zh: str
    min_yuan: StrictInt = Field(ge=0)
    inclusive: StrictBool
    text_zh: str


class Quota(StrictModel):
    """At most `max_ratio` of a cohort may hold the result (e.g. 优秀比例不超10%)."""

    count_fact: Name
    count_title_zh: str
    total_fact: Name
    total_title_zh: str
    max_ratio: Ratio
    text_zh: str


class CalcBase(StrictModel):
    """What every calculation may declare.

    project_title_zh: the clause works per project / item / deal, and `project_id` is a fact.
    unique_by: an award is never repeated for the same values of these keys (same benefit).
    one_entity_per_project: only one entity may receive the benefit for a project.
    payable_year_after: a year fact; the award is paid the following year (following_year).
    """

    project_title_zh: str | None = None
    unique_by: list[UniqueKey] = []
    one_entity_per_project: bool = False
    payable_year_after: FactRef | None = None


class FixedCalc(CalcBase):
    kind: Literal["fixed"]
    choices: list[Choice] = []
    amounts: dict[str, StrictInt]
    no_amount_reason_zh: str | None = None
    quota: Quota | None = None


class RateCalc(CalcBase):
    kind: Literal["rate"]
    basis: FactRef
    rate: Ratio
    rate_is_maximum: bool = False
    threshold: Threshold | None = None


class DeclaredCalc(CalcBase):
    kind: Literal["declared"]
    amount_fact: FactRef
    context_facts: list[FactRef] = []


class LoanCalc(CalcBase):
    kind: Literal["loan"]
    borrower: Choice
    principal: FactRef
    max_term_months: dict[str, StrictInt]


class TableChoice(StrictModel):
    fact: Name
    title_zh: str
    tables: dict[str, str]
    labels: dict[str, str]


class TierTableCalc(CalcBase):
    kind: Literal["tier_table"]
    basis: FactRef
    table: str | None = None
    table_by: TableChoice | None = None

    @model_validator(mode="after")
    def _one_source(self) -> TierTableCalc:
        if (self.table is None) == (self.table_by is None):
            raise ValueError("give exactly one of table and table_by")
        return self


class LandingVariant(StrictModel):
    option: str | None = None
    when_in_demo_zone: bool | None = None
    uplifts: list[Ratio]
    cap: Name


class LandingCalc(CalcBase):
    kind: Literal["landing"]
    fai_threshold: Threshold
    variants: list[LandingVariant]


class ReferralCalc(CalcBase):
    kind: Literal["referral"]
    rate: Ratio
    fai_threshold: Threshold
    cap: Name


class NewSupplierOption(StrictModel):
    unit_amount_yuan: StrictInt
    min_trade_yuan: StrictInt
    cap: Name


class StockUpliftOption(StrictModel):
    table: str
    cap: Name


class RateUpliftOption(StrictModel):
    step_points: StrictInt
    rate: Ratio
    cap: Name


class SupplyCalc(CalcBase):
    kind: Literal["supply"]
    base_year: StrictInt
    new_supplier: NewSupplierOption
    stock_uplift: StockUpliftOption
    rate_uplift: RateUpliftOption


class ShareTier(StrictModel):
    tier: str
    min_pct: StrictInt
    amount_yuan: StrictInt


class ZoneShareCalc(CalcBase):
    kind: Literal["zone_share"]
    tiers: list[ShareTier]


Calculation = Annotated[
    FixedCalc | RateCalc | DeclaredCalc | LoanCalc | TierTableCalc | LandingCalc | ReferralCalc | SupplyCalc | ZoneShareCalc,
    Field(discriminator="kind"),
]


class ExclusivityMember(StrictModel):
    benefit_id: Name
    option: str | None = None
    external: bool = False
    title_zh: str


class ExclusivityGroup(StrictModel):
    """Members that exclude each other within `scope` (e.g. 同一年度只能选择其中一项)."""

    id: str
    title_zh: str
    scope: Literal["per_entity_per_year", "per_entity", "per_item"]
    members: list[ExclusivityMember]
    source_excerpt: str


class ClauseEntry(StrictModel):
    id: Annotated[str, Field(pattern=CLAUSE_ID_PATTERN)]
    clause_number: str
    title_zh: str
    benefit_id: Name
    amount_kind: AmountKind = "award"
    applicants: list[ApplicantKind] = Field(min_length=1)
    applicant_roles: list[Name] = []
    applicant_note_zh: str
    departments: list[DepartmentRef] = Field(min_length=1)
    departments_note_zh: str | None = None
    payout_mode: PayoutMode
    payout_mode_stated: bool
    caps: list[Cap] = []
    exclusivity_groups: list[str] = []
    publicity_required: bool
    publicity_note_zh: str | None = None
    cost_sharing: CostSharing | None = None
    funding_zh: str | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    source_excerpt: str
    conditions: list[Condition] = []
    categorical_facts: list[Choice] = []
    priority_flags: list[PriorityFlag] = []
    calculation: Calculation
    notes_zh: list[str] = []


class DocumentInfo(StrictModel):
    id: Annotated[str, Field(pattern=r"^[a-z]+[0-9]{4}$")]
    order: StrictInt
    document_number: str
    title: str
    issuers: list[str]
    region_id: Name
    issued_on: dt.date | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    seed: str
    notes_zh: list[str] = []


class CatalogueFile(StrictModel):
    document: DocumentInfo
    exclusivity_groups: list[ExclusivityGroup] = []
    clauses: list[ClauseEntry] = Field(min_length=1)


class Citation(StrictModel):
    document_number: str
    document_title: str
    clause_number: str


class Clause(ClauseEntry):
    """A catalogue entry with its document's fields."""

    document_id: str
    document_number: str
    document_title: str
    region_id: str

    @property
    def citation(self) -> Citation:
        return Citation(document_number=self.document_number, document_title=self.document_title,
                        clause_number=self.clause_number)

    @property
    def tables_required(self) -> list[str]:
        calc = self.calculation
        if isinstance(calc, TierTableCalc):
            if calc.table_by is not None:
                return list(dict.fromkeys(calc.table_by.tables.values()))
            return [calc.table] if calc.table else []
        if isinstance(calc, SupplyCalc):
            return [calc.stock_uplift.table]
        return []

    def cap(self, name: str) -> Cap:
        for cap in self.caps:
            if cap.name == name:
                return cap
        raise KeyError(name)
