"""A form generated from a facts schema (the JSON Schema intake publishes for a clause, or for a 链主/链核
nomination): one field per fact with its Chinese label, unit, help and required mark; the browser's
strings read back into the facts the service takes. What a fact must be is the service's to say:
this module only turns text into the right JSON type, and says so beside the field when it cannot."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["bool", "choice", "money", "number", "integer", "text", "rows", "choices"]
MONEY_HINT = "单位：元，可保留两位小数；可写千位分隔符，如 5,000,000.00"
SEPARATORS = re.compile(r"[,，\s]")
CELL = re.compile(r"\s*[，\t;；]\s*|,\s+|\s+")  # "," alone is an amount's thousands separator
GENERIC = ("金额（元）", "正的十进制小数", "百分点（0–100）")  # the schema's notes on JSON types, not for people


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: Kind
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.label}（{'、'.join(label for _, label in self.choices)}）" if self.choices else self.label


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: Kind
    required: bool
    unit: str | None = None
    help: str | None = None
    choices: tuple[tuple[str, str], ...] = ()
    columns: tuple[Column, ...] = ()

    condition: bool = False  # an eligibility condition of the clause (a yes/no the applicant confirms)


@dataclass
class FactsForm:
    fields: list[FormField]
    values: dict[str, str | list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        raw = self.values.get(name, "")
        return raw if isinstance(raw, str) else ""

    def selected(self, name: str) -> list[str]:
        raw = self.values.get(name, [])
        return raw if isinstance(raw, list) else ([raw] if raw else [])

    def checked(self, name: str) -> bool:
        return self.value(name) in ("true", "on")


def fields_of(schema: Mapping[str, Any], hidden: tuple[str, ...] = ("entity_id",)) -> list[FormField]:
    """The schema's facts in its order, without those the service or the portal fills in itself."""
    required = set(schema.get("required", []))
    definitions = schema.get("$defs", {})
    return [_field(name, prop, name in required, definitions)
            for name, prop in schema.get("properties", {}).items() if name not in hidden]


def _field(name: str, prop: Mapping[str, Any], required: bool, definitions: Mapping[str, Any]) -> FormField:
    label = str(prop.get("title") or name)
    kind, choices, columns = _kind(name, prop, definitions)
    return FormField(name=name, label=label, kind=kind, required=required, unit=_unit(name, kind, label),
                     help=_help(prop, kind), choices=choices, columns=columns, condition=bool(prop.get("condition")))


def _kind(name: str, prop: Mapping[str, Any], definitions: Mapping[str, Any]) -> tuple[Kind, tuple, tuple]:
    variants = _variants(prop)
    types = {v.get("type") for v in variants}
    enum = next((v for v in variants if "enum" in v), None)
    if enum is not None:
        labels = prop.get("labels_zh") or enum.get("labels_zh") or {}
        return "choice", tuple((value, labels.get(value, value)) for value in enum["enum"]), ()
    array = next((v for v in variants if v.get("type") == "array"), None)
    if array is not None:
        items = array.get("items", {})
        if "enum" in items:
            labels = prop.get("labels_zh") or {}
            return "choices", tuple((value, labels.get(value, value)) for value in items["enum"]), ()
        item = definitions.get(items.get("$ref", "").rsplit("/", 1)[-1], items)
        columns = tuple(Column(n, str(p.get("title") or n), *_kind(n, p, definitions)[:2])
                        for n, p in item.get("properties", {}).items())
        return "rows", (), columns
    if "boolean" in types:
        return "bool", (), ()
    if {"string", "integer"} <= types:  # a decimal the service takes as a string (money, ratio, percentage)
        return ("money" if name.endswith("_yuan") else "number"), (), ()
    if "integer" in types:
        return "integer", (), ()
    return "text", (), ()


def _variants(prop: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    if "anyOf" not in prop:
        return [prop]
    return [v for option in prop["anyOf"] for v in _variants(option) if v.get("type") != "null"]


def _unit(name: str, kind: Kind, label: str) -> str | None:
    if kind not in ("money", "number", "integer"):
        return None
    if kind == "money":
        return "元"
    if name == "year" or name.endswith("_year"):
        return "年"
    if name.endswith("_pct"):
        return "%"
    if name.endswith("_months"):
        return "个月"
    if name.endswith("_count") or "企业数" in label:
        return "家"
    return None


def _help(prop: Mapping[str, Any], kind: Kind) -> str | None:
    hint, description = prop.get("hint_zh"), prop.get("description")
    if kind in ("choice", "choices"):  # their notes list the values, which the form shows by their labels
        return str(hint) if hint and not prop.get("labels_zh") else None
    if hint:
        return str(hint)
    if kind == "money":
        return MONEY_HINT
    if not description or str(description).startswith(GENERIC):
        return None
    return str(description)


def read(fields: list[FormField], form: Mapping[str, Any]) -> FactsForm:
    """The browser's values (kept as typed, to show again) and the facts they make, or the reason beside
    each field whose text is not the right kind of value."""
    values: dict[str, str | list[str]] = {}
    for f in fields:
        if f.kind == "choices":
            values[f.name] = [str(v) for v in _all(form, f.name)]
        else:
            values[f.name] = str(form.get(f.name) or "").strip()
    return FactsForm(fields, values)


def facts_of(form: FactsForm) -> dict[str, Any]:
    """The facts to send; form.errors gets a reason for each field that cannot be read."""
    facts: dict[str, Any] = {}
    for f in form.fields:
        try:
            value = _convert(f, form)
        except ValueError as error:
            form.errors[f.name] = str(error)
            continue
        if value is not None:
            facts[f.name] = value
    return facts


def _convert(f: FormField, form: FactsForm) -> Any:
    if f.kind == "bool":
        return True if form.checked(f.name) else (False if f.required else None)
    if f.kind == "choices":
        return form.selected(f.name)
    text = form.value(f.name)
    if not text:
        if f.required:
            raise ValueError(f"请填写{f.label}" if f.kind != "choice" else f"请选择{f.label}")
        return None
    if f.kind == "choice":
        if text not in dict(f.choices):
            raise ValueError(f"请从列表中选择{f.label}")
        return text
    if f.kind == "integer":
        return _integer(text)
    if f.kind in ("money", "number"):
        return _decimal(text, money=f.kind == "money")
    if f.kind == "rows":
        return [_row(f, line, number) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    return text


def _integer(text: str) -> int:
    digits = SEPARATORS.sub("", text)
    if not re.fullmatch(r"-?\d+", digits):
        raise ValueError("请填写整数")
    return int(digits)


def _decimal(text: str, *, money: bool) -> str:
    digits = SEPARATORS.sub("", text).removesuffix("元") if money else text.strip()
    if not re.fullmatch(r"\d+(\.\d+)?", digits):
        raise ValueError("请填写数字（金额以元为单位，如 5000000 或 5,000,000.00）" if money else "请填写数字，如 0.0345")
    return digits


def _row(f: FormField, line: str, number: int) -> dict[str, Any]:
    cells = CELL.split(line.strip())
    if len(cells) != len(f.columns):
        names = "、".join(c.label for c in f.columns)
        raise ValueError(f"第{number}行应有{len(f.columns)}项（{names}），用空格或“，”分隔")
    row: dict[str, Any] = {}
    for column, cell in zip(f.columns, cells, strict=True):
        row[column.name] = _cell(column, cell, number)
    return row


def _cell(column: Column, cell: str, number: int) -> str:
    if column.choices:  # a value or its Chinese label
        value = next((v for v, label in column.choices if cell in (v, label)), None)
        if value is None:
            raise ValueError(f"第{number}行的{column.label}应为{'、'.join(label for _, label in column.choices)}之一")
        return value
    try:
        return _decimal(cell, money=True) if column.kind == "money" else cell
    except ValueError:
        raise ValueError(f"第{number}行的{column.label}应为金额（元）") from None


def _all(form: Mapping[str, Any], name: str) -> list[Any]:
    getlist = getattr(form, "getlist", None)
    if getlist is not None:
        return [v for v in getlist(name) if isinstance(v, str)]
    value = form.get(name)
    return value if isinstance(value, list) else ([value] if value else [])


def as_values(fields: list[FormField], facts: Mapping[str, Any]) -> dict[str, str | list[str]]:
    """Facts already sent (an application's, for a 补正) as the form shows them."""
    values: dict[str, str | list[str]] = {}
    for f in fields:
        value = facts.get(f.name)
        if value is None:
            continue
        if f.kind == "bool":
            values[f.name] = "true" if value else ""
        elif f.kind == "choices":
            values[f.name] = [str(v) for v in value]
        elif f.kind == "rows":
            values[f.name] = "\n".join("，".join(str(dict(c.choices).get(row.get(c.name), row.get(c.name, ""))) for c in f.columns)
                                       for row in value)
        else:
            values[f.name] = str(value)
    return values


def place_errors(fields: list[FormField], errors: Mapping[str, str], others: tuple[str, ...] = ()) -> dict[str, str]:
    """A service's field errors ("facts.receipts_yuan", "facts.base_year_suppliers.0.trade_yuan",
    "materials.0.content_type") beside the field they concern (a fact, or one of the form's `others`);
    what no field shows stays under "" (the form as a whole)."""
    names = {f.name for f in fields} | set(others)
    placed: dict[str, str] = {}
    for path, reason in errors.items():
        parts = path.split(".")
        name = parts[1] if parts[0] == "facts" and len(parts) > 1 else parts[0]
        key = name if name in names else ""
        placed[key] = f"{placed[key]}；{reason}" if key in placed else reason
    return placed
