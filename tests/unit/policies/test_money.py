"""Exact money: decimal strings or integers in, integer fen out, half-up to the fen."""
from decimal import Decimal

import pytest
from pydantic import TypeAdapter, ValidationError

from policies.money import Percent, PositiveYuan, Ratio, Yuan, exact, format_yuan, to_fen, yuan_zh

money = TypeAdapter(Yuan)


@pytest.mark.parametrize("given, expected", [
    ("30000000", Decimal("30000000")), (30000000, Decimal("30000000")), ("1234.56", Decimal("1234.56")),
    ("0", Decimal("0")), (Decimal("0.10"), Decimal("0.10")), ("7.00", Decimal("7")),
])
def test_money_accepts_decimal_strings_and_integers(given, expected):
    assert money.validate_python(given) == expected


@pytest.mark.parametrize("given, message", [
    (1.5, "不得为浮点数"), (True, "不得为浮点数或布尔值"), ("-1", "不得为负数"), ("1.234", "两位小数"),
    ("abc", "格式不正确"), ("1e3", "格式不正确"), (Decimal("NaN"), "有限数"), ("10000000000000000", "过大"),
    ("5,000,000", "不含千位分隔符"), (" 5000", "不含千位分隔符、空格"), ("7.000", "两位小数"), (False, "布尔值"),
])
def test_money_refuses_floats_negatives_and_sub_fen_amounts_with_a_chinese_reason(given, message):
    with pytest.raises(ValidationError) as raised:
        money.validate_python(given)
    assert message in str(raised.value)


def test_an_amount_that_must_be_positive_refuses_zero():
    positive = TypeAdapter(PositiveYuan)
    assert positive.validate_python("0.01") == Decimal("0.01") and positive.validate_python(1) == Decimal(1)
    for zero in ("0", "0.00", 0):
        with pytest.raises(ValidationError, match="金额须大于0"):
            positive.validate_python(zero)
    assert positive.json_schema()["anyOf"][1]["minimum"] == 1


def test_money_serialises_as_a_string():
    assert money.dump_python(Decimal("12.50"), mode="json") == "12.50"


def test_rounding_is_half_up_to_the_fen():
    assert to_fen(Decimal("61728.3945")) == 6_172_839      # .3945 → .39
    assert to_fen(Decimal("0.005")) == 1                    # exactly half → up
    assert to_fen(Decimal("0.0049999")) == 0
    assert to_fen(Decimal("2000000.0001")) == 200_000_000


def test_fen_formats_as_yuan_with_two_decimals():
    assert format_yuan(100_000_000) == "1000000.00"
    assert format_yuan(5) == "0.05"
    assert format_yuan(-250) == "-2.50"


def test_chinese_amounts_for_messages():
    assert yuan_zh(500_000_000) == "500万元"
    assert yuan_zh(500_000_000_000) == "50亿元"
    assert yuan_zh(300_000) == "3000元"
    assert yuan_zh(1_250) == "12.50元"


def test_exact_context_refuses_to_round_silently():
    from decimal import Inexact

    with exact(), pytest.raises(Inexact):
        Decimal(1) / Decimal(3)


def test_ratios_must_be_positive_and_percentages_within_0_to_100():
    assert TypeAdapter(Ratio).validate_python("0.0345") == Decimal("0.0345")
    with pytest.raises(ValidationError):
        TypeAdapter(Ratio).validate_python("0")
    with pytest.raises(ValidationError):
        TypeAdapter(Percent).validate_python("100.5")
