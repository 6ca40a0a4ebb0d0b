"""Text people send: names, titles, reasons, notes.

Applicant text ends up in officials' spreadsheets, in logs and in the databases, so it may not carry
characters that break them or hide what it says: C0/C1 control characters (only a multi-line field
may hold line breaks and tabs), bidirectional overrides and isolates (U+202A–202E, U+2066–2069, which
can make a name read differently from what it is), zero-width and invisible formatting characters,
lone surrogates and the non-characters U+FFFE/U+FFFF. Text is NFC-normalised and trimmed; a required
text that is empty or only whitespace is refused.

`Text` is one line (names, titles, missing items); `LongText` may span lines (reasons, objections);
`Note` is a `LongText` that may be left empty. Refusals carry a Chinese reason (type `text_*`).

Text read back from storage (validated with `context=STORED`) is cleaned instead of refused, so a
row written before these rules still reads.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, GetJsonSchemaHandler, ValidationInfo
from pydantic_core import PydanticCustomError, core_schema

# Regex class contents, written as escapes so the OpenAPI document carries them as plain ASCII.
_LINE_BREAKS = r"\t\n\r"
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_INVISIBLE = r"\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff"
_FORBIDDEN_MULTI_LINE = _CONTROLS + _INVISIBLE
_FORBIDDEN_ONE_LINE = _FORBIDDEN_MULTI_LINE + _LINE_BREAKS

STORED = {"stored_text": True}

_UNSAFE = re.compile(f"[{_FORBIDDEN_MULTI_LINE}]")
_UNSAFE_IN_LINE = re.compile(f"[{_FORBIDDEN_ONE_LINE}]")


def _pattern(forbidden: str, *, blank: bool) -> str:
    """The JSON-schema pattern of the same rule (so generated clients and fuzzers know it)."""
    allowed = f"[^{forbidden}]"
    return f"^{allowed}*$" if blank else rf"^{allowed}*[^\s{forbidden}]{allowed}*$"


def strip_unsafe(text: str) -> str:
    """The text without the characters a field refuses (line breaks and tabs kept): for text stored
    before fields refused them, e.g. in an export."""
    return _UNSAFE.sub("", text)


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def _clean(value: str, *, multi_line: bool, blank: bool) -> str:
    unsafe = (_UNSAFE if multi_line else _UNSAFE_IN_LINE).search(value)
    if unsafe:
        char = unsafe.group()
        if char in "\t\n\r":
            raise PydanticCustomError("text_line_break", "不得包含换行符或制表符（{char}）", {"char": _describe(char)})
        if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
            raise PydanticCustomError("text_bidi", "不得包含双向文字控制字符（{char}）", {"char": _describe(char)})
        raise PydanticCustomError("text_control", "不得包含控制字符或不可见字符（{char}）", {"char": _describe(char)})
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text and not blank:
        raise PydanticCustomError("text_blank", "不得为空或仅含空白字符")
    return text


@dataclass(frozen=True)
class _TextRule:
    multi_line: bool
    blank: bool

    def __call__(self, value: str, info: ValidationInfo) -> str:
        if info.context and info.context.get("stored_text"):
            return strip_unsafe(value) if self.multi_line else _UNSAFE_IN_LINE.sub("", value)
        return _clean(value, multi_line=self.multi_line, blank=self.blank)

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        json_schema = handler(schema)
        forbidden = _FORBIDDEN_MULTI_LINE if self.multi_line else _FORBIDDEN_ONE_LINE
        json_schema["pattern"] = _pattern(forbidden, blank=self.blank)
        return json_schema


def _rule(*, multi_line: bool, blank: bool) -> Any:
    rule = _TextRule(multi_line, blank)
    return Annotated[str, AfterValidator(rule), rule]


Text = _rule(multi_line=False, blank=False)
LongText = _rule(multi_line=True, blank=False)
Note = _rule(multi_line=True, blank=True)

TEXT_ERROR_TYPES = frozenset({"text_line_break", "text_bidi", "text_control", "text_blank"})
