"""Loading the catalogue: JSON Schema first (the published contract), then the models, then
the checks a schema cannot express (ids unique, references resolve, departments known)."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from pydantic import ValidationError

from policies._yaml import load_yaml
from policies.catalogue.models import (
    CatalogueFile,
    Clause,
    DocumentInfo,
    ExclusivityGroup,
    LandingCalc,
    ReferralCalc,
    SupplyCalc,
)
from policies.errors import DataFileInvalid, UnknownClause
from policies.registry import Registry, load_registry

SCHEMA_NAME = "clause_document.schema.json"


def catalogue_schema() -> dict[str, Any]:
    """The JSON Schema of one catalogue file, generated from the models."""
    schema = CatalogueFile.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://duixian.invalid/policies/" + SCHEMA_NAME,
        "title": "duixian clause catalogue — one issuing document",
        **schema,
    }


@lru_cache(maxsize=1)
def shipped_schema() -> dict[str, Any]:
    return json.loads((files("policies.data.schema") / SCHEMA_NAME).read_text(encoding="utf-8"))


class Catalogue:
    def __init__(self, parts: Iterable[CatalogueFile], registry: Registry | None = None) -> None:
        parts = sorted(parts, key=lambda p: p.document.order)
        self.documents: tuple[DocumentInfo, ...] = tuple(p.document for p in parts)
        clauses = [_clause(p.document, entry.model_dump()) for p in parts for entry in p.clauses]
        self.clauses: tuple[Clause, ...] = tuple(clauses)
        self._by_id = {c.id: c for c in clauses}
        self.exclusivity_groups: dict[str, ExclusivityGroup] = {
            g.id: g for p in parts for g in p.exclusivity_groups}
        problems = list(_problems(parts, clauses, registry or load_registry()))
        if problems:
            raise DataFileInvalid("catalogue", problems)

    def get(self, clause_id: str) -> Clause:
        try:
            return self._by_id[clause_id]
        except KeyError:
            raise UnknownClause(clause_id) from None

    def __contains__(self, clause_id: object) -> bool:
        return clause_id in self._by_id

    def __iter__(self) -> Iterator[Clause]:
        return iter(self.clauses)

    def __len__(self) -> int:
        return len(self.clauses)

    def by_benefit(self, benefit_id: str) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.benefit_id == benefit_id)

    def groups_of(self, clause: Clause) -> tuple[ExclusivityGroup, ...]:
        return tuple(self.exclusivity_groups[g] for g in clause.exclusivity_groups)

    @classmethod
    def from_dir(cls, directory: Traversable | Path, registry: Registry | None = None) -> Catalogue:
        entries = sorted((e for e in directory.iterdir() if e.name.endswith((".yaml", ".yml"))),
                         key=lambda e: e.name)
        return cls([read_catalogue_file(e) for e in entries], registry)


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """The shipped catalogue (policies/data/clauses/*.yaml), validated once per process."""
    return Catalogue.from_dir(files("policies.data.clauses"))


def read_catalogue_file(entry: Traversable | Path) -> CatalogueFile:
    data = load_yaml(entry.read_text(encoding="utf-8"))
    errors = sorted(Draft202012Validator(shipped_schema()).iter_errors(data),
                    key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise DataFileInvalid(entry.name, [
            f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors[:20]])
    try:
        return CatalogueFile.model_validate(data)
    except ValidationError as exc:
        raise DataFileInvalid(entry.name, [
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]) from None


def _clause(document: DocumentInfo, entry: dict[str, Any]) -> Clause:
    return Clause.model_validate({
        **entry,
        "effective_from": entry["effective_from"] or document.effective_from,
        "effective_to": entry["effective_to"] or document.effective_to,
        "document_id": document.id,
        "document_number": document.document_number,
        "document_title": document.title,
        "region_id": document.region_id,
    })


def _problems(parts: list[CatalogueFile], clauses: list[Clause], registry: Registry) -> Iterator[str]:
    seen: set[str] = set()
    groups = {g.id: g for p in parts for g in p.exclusivity_groups}
    benefits = {c.benefit_id for c in clauses}
    for clause in clauses:
        if clause.id in seen:
            yield f"{clause.id}: duplicate clause id"
        seen.add(clause.id)
        if not clause.id.startswith(clause.document_id + "-"):
            yield f"{clause.id}: id must start with its document id {clause.document_id}-"
        if clause.region_id not in registry.regions:
            yield f"{clause.id}: unknown region {clause.region_id}"
        for dept in clause.departments:
            if dept.id not in registry.departments:
                yield f"{clause.id}: unknown department {dept.id}"
        for group_id in clause.exclusivity_groups:
            group = groups.get(group_id)
            if group is None:
                yield f"{clause.id}: unknown exclusivity group {group_id}"
            elif clause.benefit_id not in {m.benefit_id for m in group.members}:
                yield f"{clause.id}: not a member of exclusivity group {group_id}"
        cap_names = [cap.name for cap in clause.caps]
        if len(cap_names) != len(set(cap_names)):
            yield f"{clause.id}: duplicate cap names"
        for name in _caps_referenced(clause):
            if name not in cap_names:
                yield f"{clause.id}: calculation refers to unknown cap {name}"
        choice_facts = {c.fact for c in clause.categorical_facts}
        choice_facts |= {c.fact for c in getattr(clause.calculation, "choices", [])}
        for condition in clause.conditions:
            for fact in (condition.when or {}):
                if fact not in choice_facts:
                    yield f"{clause.id}: condition {condition.fact} depends on unknown choice {fact}"
        if "project" in clause.calculation.unique_by and not clause.calculation.project_title_zh:
            yield f"{clause.id}: unique_by project needs project_title_zh"
        if clause.effective_from and clause.effective_to and clause.effective_from > clause.effective_to:
            yield f"{clause.id}: effective_from after effective_to"
    for group in groups.values():
        for member in group.members:
            if not member.external and member.benefit_id not in benefits:
                yield f"group {group.id}: no clause has benefit {member.benefit_id}"
    kinds: dict[str, str] = {}
    for clause in clauses:
        if kinds.setdefault(clause.benefit_id, clause.amount_kind) != clause.amount_kind:
            yield f"benefit {clause.benefit_id}: clauses disagree on amount_kind"


def _caps_referenced(clause: Clause) -> list[str]:
    calc = clause.calculation
    if isinstance(calc, LandingCalc):
        return [v.cap for v in calc.variants]
    if isinstance(calc, ReferralCalc):
        return [calc.cap]
    if isinstance(calc, SupplyCalc):
        return [calc.new_supplier.cap, calc.stock_uplift.cap, calc.rate_uplift.cap]
    return []
