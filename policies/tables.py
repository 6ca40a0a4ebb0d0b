"""Tier tables (表1–表6 of 晋工信新材料规字〔2024〕1号) as loadable data.

The seeds reference these tables without their values, so nothing is shipped: an admin loads
each table with a note of where its values come from, from files (`TierTables.from_dir`) or from
dicts the services keep in their database (`TierTables.from_dicts`). A clause whose table is not
loaded raises `TableUnavailable` naming the table and the document.

A row applies when the basis reaches `min_yuan` (inclusive, "达到"; set `min_inclusive: false`
for a row stated as "超过"). A row gives either a fixed `amount_yuan` or a `rate` of the basis.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from importlib.resources.abc import Traversable
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from policies._yaml import load_yaml
from policies.errors import DataFileInvalid, TableUnavailable
from policies.money import Ratio, Yuan
from policies.text import LongText, Text

_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕"})


def normalize_document_number(text: str) -> str:
    """晋工信新材料规字[2024]1号 and 晋工信新材料规字〔2024〕1号 name the same document."""
    return "".join(text.split()).translate(_BRACKETS)


class TierRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tier: Text = Field(min_length=1)
    min_yuan: Yuan
    min_inclusive: bool = True
    amount_yuan: Yuan | None = None
    rate: Ratio | None = None

    @model_validator(mode="after")
    def _amount_or_rate(self) -> TierRow:
        if (self.amount_yuan is None) == (self.rate is None):
            raise ValueError("每一档须且只能给出 amount_yuan（定额）或 rate（比例）之一")
        return self

    def reached_by(self, basis: Decimal) -> bool:
        return basis >= self.min_yuan if self.min_inclusive else basis > self.min_yuan

    def award(self, basis: Decimal) -> Decimal:
        if self.amount_yuan is not None:
            return self.amount_yuan
        assert self.rate is not None  # _amount_or_rate: a row gives an amount or a rate
        return basis * self.rate


class TierTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    table: str = Field(pattern=r"^表[0-9]+$")
    document_number: Text
    clause_number: Text | None = None
    title_zh: Text | None = None
    basis_zh: Text | None = None
    source_note: LongText = Field(min_length=4, description="where the values were transcribed from")
    test_data: bool = False
    rows: list[TierRow] = Field(min_length=1)

    @field_validator("document_number")
    @classmethod
    def _normalize(cls, value: str) -> str:
        return normalize_document_number(value)

    @model_validator(mode="after")
    def _ascending(self) -> TierTable:
        tiers = [row.tier for row in self.rows]
        if len(set(tiers)) != len(tiers):
            raise ValueError("档位名称重复")
        for lower, upper in pairwise(self.rows):
            if upper.min_yuan <= lower.min_yuan:
                raise ValueError("各档门槛须严格递增")
        return self

    def reached(self, basis: Decimal) -> TierRow | None:
        """The highest row the basis reaches, or None below the first."""
        hit = None
        for row in self.rows:
            if row.reached_by(basis):
                hit = row
        return hit

    def rank(self, tier: str) -> int:
        for index, row in enumerate(self.rows):
            if row.tier == tier:
                return index
        raise KeyError(tier)


class TierTables:
    """The loaded tables, keyed by (document number, table name)."""

    def __init__(self, tables: Iterable[TierTable] = ()) -> None:
        self._tables: dict[tuple[str, str], TierTable] = {}
        for table in tables:
            key = (table.document_number, table.table)
            if key in self._tables:
                raise DataFileInvalid("tier tables", [f"{table.document_number}{table.table}重复载入"])
            self._tables[key] = table

    def get(self, table: str, document_number: str, clause_number: str | None = None) -> TierTable:
        try:
            return self._tables[(normalize_document_number(document_number), table)]
        except KeyError:
            raise TableUnavailable(table, document_number, clause_number) from None

    def __contains__(self, key: tuple[str, str]) -> bool:
        document_number, table = key
        return (normalize_document_number(document_number), table) in self._tables

    def __iter__(self) -> Iterator[TierTable]:
        return iter(self._tables.values())

    def __len__(self) -> int:
        return len(self._tables)

    def merged(self, other: TierTables) -> TierTables:
        return TierTables([*self, *other])

    @classmethod
    def from_dicts(cls, items: Iterable[Mapping[str, Any]], source: str = "tier tables") -> TierTables:
        tables = []
        for index, item in enumerate(items):
            try:
                tables.append(TierTable.model_validate(item))
            except ValidationError as exc:
                raise DataFileInvalid(f"{source}[{index}]", [
                    f"{'.'.join(map(str, e['loc'])) or '<table>'}: {e['msg']}" for e in exc.errors()]) from None
        return cls(tables)

    @classmethod
    def from_dir(cls, directory: Traversable | Path) -> TierTables:
        """Every *.yaml / *.yml / *.json file in `directory`; each holds one table or a list."""
        directory = Path(directory) if isinstance(directory, str) else directory
        if not directory.is_dir():
            raise DataFileInvalid(str(directory), ["不是目录"])
        tables: list[TierTable] = []
        for entry in sorted(directory.iterdir(), key=lambda e: e.name):
            if not entry.name.endswith((".yaml", ".yml", ".json")):
                continue
            text = entry.read_text(encoding="utf-8")
            data = json.loads(text) if entry.name.endswith(".json") else load_yaml(text)
            items = data if isinstance(data, list) else [data]
            tables.extend(cls.from_dicts(items, source=entry.name))
        return cls(tables)
