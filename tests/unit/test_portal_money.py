"""Amounts typed at the finance pages are read exactly into fen, with the reason in Chinese otherwise."""
from __future__ import annotations

import pytest

from services.portal.domain.money import NotAnAmount, basis_points_of, fen_of, percent_of


@pytest.mark.parametrize("typed, fen", [("1,234.5", 123450), ("1234.50元", 123450), ("１２３４．５", 123450),
                                        ("50 000 000", 5_000_000_000), ("0.01", 1), ("0", 0),
                                        ("9999999999.99", 999_999_999_999)])
def test_amounts_in_yuan_become_exact_fen(typed, fen):
    assert fen_of(typed) == fen


@pytest.mark.parametrize("typed, reason", [("", "请填写此项"), ("五百万", "请填写数字，如 1,000,000.00"),
                                           ("1.005", "金额最多保留两位小数（到分）"), ("-5", "不能为负数"),
                                           ("1e5", "请填写数字，如 1,000,000.00"), ("10000000000.01", "金额超出系统上限"),
                                           ("NaN", "请填写数字，如 1,000,000.00")])
def test_what_is_not_an_amount_is_refused_with_the_reason(typed, reason):
    with pytest.raises(NotAnAmount) as refused:
        fen_of(typed)
    assert refused.value.reason == reason


def test_a_zero_amount_is_refused_where_one_must_be_paid():
    with pytest.raises(NotAnAmount, match="金额须大于0"):
        fen_of("0.00", positive=True)


def test_shares_in_percent_become_basis_points_and_back():
    assert basis_points_of("60") == 6000 and basis_points_of("33.33%") == 3333 and basis_points_of("100") == 10_000
    assert percent_of(6000) == "60%" and percent_of(3333) == "33.33%" and percent_of(0) == "0%"
    for typed, reason in (("100.5", "比例不能超过100%"), ("33.333", "比例最多保留两位小数"), ("一半", "请填写数字，如 50 或 33.33")):
        with pytest.raises(NotAnAmount, match=reason):
            basis_points_of(typed)
