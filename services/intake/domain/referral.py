"""以商招商 (晋工信新材料规字〔2024〕1号 9.2.1): who may register a project and when it qualifies (pure)."""
from __future__ import annotations

from decimal import Decimal

# "固定资产投资额在3000万元以上": 以上 includes the number itself (民法典 第一千二百五十九条).
MINIMUM_FAI_FEN = 3000_0000_00
CITATION = "晋工信新材料规字〔2024〕1号 9.2.1"


def yuan_to_fen(amount: Decimal) -> int:
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError("金额最多两位小数")
    return int(fen)


def planned_fai_problem(planned_fai_fen: int) -> str | None:
    if planned_fai_fen < MINIMUM_FAI_FEN:
        return f"所引进企业项目固定资产投资额须在3000万元以上（{CITATION}）"
    return None
