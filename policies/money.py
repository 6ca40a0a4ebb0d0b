"""Exact money and ratios.

Amounts in facts are yuan, given as decimal strings ("30000000", "1234.56") or integers;
floats are refused because they cannot hold most decimal fractions exactly, true/false are not
numbers, and a string is the number alone: no thousands separators ("5,000,000"), spaces or exponent.
Internally: Decimal yuan while computing, integer fen (分) once determined.

Rounding rule (one place): every intermediate value is exact (Decimal with a 60-digit
context that traps inexact results); only the final amount is rounded, half-up to the fen,
and caps (whole yuan) are then compared in fen.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, localcontext
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

ROUNDING_RULE = "中间计算均为精确小数（不舍入）；最终金额按四舍五入（ROUND_HALF_UP）保留到分，再与上限（整元）比较"

MAX_YUAN = Decimal(10) ** 15  # keeps every amount in fen inside a signed 64-bit integer
_DECIMAL_TEXT = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


@contextmanager
def exact() -> Iterator[Context]:
    """Arithmetic that may not silently round: an inexact result raises."""
    with localcontext() as ctx:
        ctx.prec = 60
        ctx.traps[Inexact] = True
        yield ctx


def to_fen(yuan: Decimal) -> int:
    """Round a yuan amount half-up to whole fen."""
    with localcontext() as ctx:
        ctx.prec = 60
        return int((yuan * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yuan_of(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def format_yuan(fen: int) -> str:
    """Integer fen as a yuan string with two decimals: 100000000 -> "1000000.00", -5 -> "-0.05"."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def yuan_zh(fen: int) -> str:
    """Readable Chinese amount for messages (fen in): 50亿元, 5000万元, 3000元, 12.50元."""
    if fen % 10_000_000_000 == 0 and fen != 0:
        return f"{fen // 10_000_000_000}亿元"
    if fen % 1_000_000 == 0 and fen != 0:
        return f"{fen // 1_000_000}万元"
    if fen % 100 == 0:
        return f"{fen // 100}元"
    return f"{format_yuan(fen)}元"


def plain(value: Decimal) -> str:
    """A Decimal without exponent notation or trailing zeros beyond what it holds."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def pct(rate: Decimal) -> str:
    """0.05 -> "5%"."""
    with localcontext() as ctx:
        ctx.prec = 60
        return f"{plain(rate * 100)}%"


def parse_decimal_value(value: Any, *, what: str, example: str = "1.1") -> Decimal:
    """Decimal from str / int / Decimal; refuses float and bool with a Chinese reason."""
    if isinstance(value, bool) or isinstance(value, float):
        raise PydanticCustomError(
            "decimal_float", "{what}不得为浮点数或布尔值，请写成字符串，如 \"{example}\"",
            {"what": what, "example": example})
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise PydanticCustomError("decimal_finite", "{what}必须是有限数", {"what": what})
        return value
    if isinstance(value, str):
        if not _DECIMAL_TEXT.match(value):
            raise PydanticCustomError(
                "decimal_text", "{what}格式不正确：“{value}”（只写数字，如 \"{example}\"，不含千位分隔符、空格或单位）",
                {"what": what, "value": value, "example": example})
        return Decimal(value)
    raise PydanticCustomError("decimal_type", "{what}应为数字字符串或整数", {"what": what})


def _money(value: Any) -> Decimal:
    amount = parse_decimal_value(value, what="金额", example="30000000.00")
    if amount < 0:
        raise PydanticCustomError("money_negative", "金额不得为负数")
    if amount > MAX_YUAN:
        raise PydanticCustomError("money_range", "金额过大（超过10^15元）")
    written_decimals = len(value.partition(".")[2]) if isinstance(value, str) else 0
    if written_decimals > 2 or amount != amount.quantize(Decimal("0.01"), context=Context(prec=60)):
        raise PydanticCustomError("money_precision", "金额最多保留两位小数（到分）")
    return amount


def _positive_money(value: Any) -> Decimal:
    amount = _money(value)
    if amount == 0:
        raise PydanticCustomError("money_positive", "金额须大于0")
    return amount


def _ratio(value: Any) -> Decimal:
    ratio = parse_decimal_value(value, what="系数")
    if ratio <= 0:
        raise PydanticCustomError("ratio_positive", "系数必须大于0")
    return ratio


def _percent(value: Any) -> Decimal:
    points = parse_decimal_value(value, what="百分比", example="32.5")
    if points < 0 or points > 100:
        raise PydanticCustomError("percent_range", "百分比应在0到100之间（以百分点表示，如 \"32.5\" 表示32.5%）")
    return points


_MONEY_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": r"^[0-9]+(\.[0-9]{1,2})?$"},
        {"type": "integer", "minimum": 0},
    ],
    "description": "金额（元），十进制字符串或整数，最多两位小数；不接受浮点数",
}
_POSITIVE_MONEY_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": r"^(0*[1-9][0-9]*(\.[0-9]{1,2})?|0+\.(0[1-9]|[1-9][0-9]?))$"},
        {"type": "integer", "minimum": 1},
    ],
    "description": "金额（元），大于0，十进制字符串或整数，最多两位小数；不接受浮点数",
}
_RATIO_SCHEMA = {
    "anyOf": [{"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$"}, {"type": "integer", "minimum": 1}],
    "description": "正的十进制小数，字符串表示，如 \"0.0345\"",
}
_PERCENT_SCHEMA = {
    "anyOf": [{"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$"},
              {"type": "integer", "minimum": 0, "maximum": 100}],
    "description": "百分点（0–100），字符串表示，如 \"32.5\"",
}

_as_text = PlainSerializer(lambda d: format(d, "f"), return_type=str)

Yuan = Annotated[Decimal, BeforeValidator(_money), _as_text, WithJsonSchema(_MONEY_SCHEMA)]
PositiveYuan = Annotated[Decimal, BeforeValidator(_positive_money), _as_text, WithJsonSchema(_POSITIVE_MONEY_SCHEMA)]
Ratio = Annotated[Decimal, BeforeValidator(_ratio), _as_text, WithJsonSchema(_RATIO_SCHEMA)]
Percent = Annotated[Decimal, BeforeValidator(_percent), _as_text, WithJsonSchema(_PERCENT_SCHEMA)]
