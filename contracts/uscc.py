"""统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character over the first 17."""
from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_problem(value: str) -> str | None:
    """None when `value` is a well-formed USCC, else the reason in Chinese."""
    if len(value) != 18:
        return f"统一社会信用代码应为18位, 实为{len(value)}位"
    bad = sorted({char for char in value if char not in ALPHABET})
    if bad:
        return f"统一社会信用代码含非法字符: {''.join(bad)}"
    if not value[2:8].isdigit():
        return "统一社会信用代码第3-8位应为登记管理机关行政区划码(数字)"
    expected = check_character(value[:17])
    if value[17] != expected:
        return f"统一社会信用代码校验位错误 (应为 {expected})"
    return None


def validate_uscc(value: str) -> str:
    value = value.strip().upper()
    problem = uscc_problem(value)
    if problem:
        raise ValueError(problem)
    return value
