"""What a recorded disbursement must look like (pure rules): its date and its bank reference."""
from __future__ import annotations

import unicodedata
from datetime import date, timedelta


def reference_key(bank_reference: str) -> str:
    """The form a bank reference is compared in: full-width characters folded (NFKC, as a Chinese input
    method may type them), whitespace removed, upper case — `icbc 0001` and `ＩＣＢＣ0001` are one transfer."""
    return "".join(unicodedata.normalize("NFKC", bank_reference).split()).upper()


def budget_year_span(budget_year: int, window_days: int) -> tuple[date, date]:
    """The dates a payment of `budget_year`'s commitment may carry: the year, widened by the window on each side."""
    margin = timedelta(days=window_days)
    return date(budget_year, 1, 1) - margin, date(budget_year, 12, 31) + margin


def date_refusal(disbursed_on: date, *, budget_year: int, today: date, window_days: int) -> str | None:
    """Why the date cannot be a disbursement of this budget year (Chinese, for the clerk), or None."""
    if disbursed_on > today:
        return f"拨付日期 {disbursed_on} 晚于今天 {today}(北京时间), 不能登记尚未发生的拨付"
    earliest, latest = budget_year_span(budget_year, window_days)
    if not earliest <= disbursed_on <= latest:
        return (f"拨付日期 {disbursed_on} 不在该分期预算年度 {budget_year} 年前后 {window_days} 天内"
                f"({earliest} 至 {latest}); 请核对日期, 如确属结转资金跨年支付请联系系统管理员")
    return None
