"""Amounts typed in 元 (and shares in %) read exactly: Decimal, never float, into integer fen (basis points),
with the reason in Chinese when the text is not an amount."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from contracts.common import MAX_FEN
from policies.money import format_yuan

SEPARATORS = re.compile(r"[,，\s]")
AMOUNT = re.compile(r"\d+(\.\d+)?")


class NotAnAmount(ValueError):
    """The text is not an amount; `reason` says why, in Chinese, for beside the field."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _decimal(text: str, example: str, unit: str) -> Decimal:
    cleaned = SEPARATORS.sub("", unicodedata.normalize("NFKC", text or "")).removesuffix(unit)
    if not cleaned:
        raise NotAnAmount("请填写此项")
    if cleaned.startswith("-"):
        raise NotAnAmount("不能为负数")
    if not AMOUNT.fullmatch(cleaned):
        raise NotAnAmount(f"请填写数字，如 {example}")
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise NotAnAmount(f"请填写数字，如 {example}") from None


def fen_of(text: str, *, positive: bool = False) -> int:
    """'1,234.5' / '1234.50元' / '１２３４．５' → 123450 fen; more than two decimals, negative or too large: refused."""
    amount = _decimal(text, "1,000,000.00", "元")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise NotAnAmount("金额最多保留两位小数（到分）")
    if positive and fen == 0:
        raise NotAnAmount("金额须大于0")
    if fen > MAX_FEN:
        raise NotAnAmount("金额超出系统上限")
    return int(fen)


def basis_points_of(text: str) -> int:
    """A share in percent ('60', '33.33%') → basis points (6000, 3333), 0–100%."""
    percent = _decimal(text, "50 或 33.33", "%")
    points = percent * 100
    if points != points.to_integral_value():
        raise NotAnAmount("比例最多保留两位小数")
    if points > 10_000:
        raise NotAnAmount("比例不能超过100%")
    return int(points)


def percent_of(points: int) -> str:
    """6000 → '60%', 3333 → '33.33%'."""
    return f"{(Decimal(points) / 100).normalize():f}%"


def yuan(amount_fen: int | None) -> str:
    """Integer fen as 元 with two decimals and thousands separators: 2000000000 → 20,000,000.00元."""
    if amount_fen is None:
        return "—"
    whole, fen = format_yuan(amount_fen).split(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}.{fen}元"
