"""Regions, departments and key chains, shipped as data and extensible.

Data: policies/data/registry/regions.yaml, departments.yaml and chains_*.yaml (one file per
region). A second city adds a chains file and its regions; no code changes.
A chain's category (established / emerging) may be unknown (null): the seeds do not state it
for Changzhi's ten chains.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from policies._yaml import load_yaml
from policies.errors import DataFileInvalid, UnknownChain

ChainCategory = Literal["established", "emerging"]
CHAIN_CATEGORY_ZH = {"established": "优势基础产业链", "emerging": "新兴培育产业链"}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Region(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    level: Literal["province", "city", "county", "district", "dev_zone", "reform_zone"]
    parent_id: str | None = None
    code: str | None = Field(default=None, pattern=r"^[0-9]{6}$",
                             description="行政区划代码 (GB/T 2260) where the region has one")
    source: str


class Department(_Model):
    """A department role; the region it acts for comes from the clause or case."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    level: Literal["national", "province", "city", "county", "zone", "other"]
    glossary: bool = False
    note_zh: str | None = None


class Chain(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    region_id: str
    level: Literal["province", "city"]
    category: ChainCategory | None = None
    category_source: str | None = None
    source: str
    scope_zh: str | None = None

    @property
    def category_zh(self) -> str | None:
        return CHAIN_CATEGORY_ZH.get(self.category) if self.category else None


class _RegistryFile(_Model):
    regions: list[Region] = []
    departments: list[Department] = []
    chains: list[Chain] = []


class Registry:
    def __init__(self, regions: Iterable[Region] = (), departments: Iterable[Department] = (),
                 chains: Iterable[Chain] = ()) -> None:
        self.regions = _index(regions, "region")
        self.departments = _index(departments, "department")
        self.chains = _index(chains, "chain")
        problems = [f"chain {c.id}: unknown region {c.region_id}"
                    for c in self.chains.values() if c.region_id not in self.regions]
        problems += [f"region {r.id}: unknown parent {r.parent_id}"
                     for r in self.regions.values() if r.parent_id and r.parent_id not in self.regions]
        problems += [f"chain {c.id}: category without category_source"
                     for c in self.chains.values() if c.category and not c.category_source]
        if problems:
            raise DataFileInvalid("registry", problems)

    def region_by_code(self, code: str) -> Region | None:
        return next((r for r in self.regions.values() if r.code == code), None)

    def region(self, region_id: str) -> Region:
        return self.regions[region_id]

    def department(self, department_id: str) -> Department:
        return self.departments[department_id]

    def chain(self, chain_id: str) -> Chain:
        try:
            return self.chains[chain_id]
        except KeyError:
            raise UnknownChain(chain_id) from None

    def region_zh(self, code_or_id: str) -> str:
        """The region's Chinese name by 行政区划代码 or id; the code itself when the registry lacks it."""
        region = self.region_by_code(code_or_id) or self.regions.get(code_or_id)
        return region.name_zh if region else code_or_id

    def organisation_zh(self, organisation: str) -> str:
        """How a document names an organisation id "<region code, region id or chain id>.<department>":
        "140400.city_industry_bureau" → 长治市工信局; the id itself when its department is unknown."""
        scope, _, department_id = organisation.partition(".")
        department = self.departments.get(department_id)
        if department is None:
            return organisation
        name = department.name_zh
        if scope in self.chains:
            return f"{self.chains[scope].name_zh}{name}"
        place = self.region_zh(scope)
        if place == scope:  # a region the registry does not name yet
            return f"{scope} {name}" if scope.isdigit() else name
        if name.startswith(place):
            return name
        if name[0] in "省市县" and place[-1] in "省市县区":  # 市工信局 of 长治市 → 长治市工信局
            return place + name[1:]
        return place + name

    def chains_in(self, region_id: str) -> list[Chain]:
        return [c for c in self.chains.values() if c.region_id == region_id]

    def extended(self, *, regions: Iterable[Region] = (), departments: Iterable[Department] = (),
                 chains: Iterable[Chain] = ()) -> Registry:
        """A new registry with entries added or replaced (same id replaces)."""
        return Registry(
            {**self.regions, **{r.id: r for r in regions}}.values(),
            {**self.departments, **{d.id: d for d in departments}}.values(),
            {**self.chains, **{c.id: c for c in chains}}.values(),
        )

    @classmethod
    def from_dir(cls, directory: Traversable | Path) -> Registry:
        parts = [_read(entry) for entry in sorted(directory.iterdir(), key=lambda e: e.name)
                 if entry.name.endswith((".yaml", ".yml"))]
        return cls([r for p in parts for r in p.regions], [d for p in parts for d in p.departments],
                   [c for p in parts for c in p.chains])


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    return Registry.from_dir(files("policies.data.registry"))


def _read(entry: Traversable | Path) -> _RegistryFile:
    try:
        return _RegistryFile.model_validate(load_yaml(entry.read_text(encoding="utf-8")) or {})
    except ValidationError as exc:
        raise DataFileInvalid(entry.name, [f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                                           for e in exc.errors()]) from None


def _index(items: Iterable, what: str) -> dict:
    out: dict = {}
    for item in items:
        if item.id in out:
            raise DataFileInvalid("registry", [f"duplicate {what} id {item.id}"])
        out[item.id] = item
    return out
