"""The finance bureau's double-entry journal (pure rules, no I/O).

Accounts (codes):
  fund:<fund_id>:<year>     budget source (city:140400, county:140423); debit = committed spending
  payable:<uscc>            owed to a recipient; credit = approved and not yet paid
  bank                      disbursements; credit = money paid out
  recovery:<uscc>           clawed-back money receivable from a recipient (追回)
Every entry's lines sum to zero (debit positive, credit negative).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

BANK = "bank"


def fund_account(fund_id: str, year: int) -> str:
    return f"fund:{fund_id}:{year}"


def payable_account(uscc: str) -> str:
    return f"payable:{uscc}"


def recovery_account(uscc: str) -> str:
    return f"recovery:{uscc}"


@dataclass(frozen=True)
class Line:
    account: str
    amount_fen: int  # debit > 0, credit < 0


class Unbalanced(ValueError):
    pass


def balanced(lines: Iterable[Line]) -> list[Line]:
    lines = [line for line in lines if line.amount_fen != 0]
    if sum(line.amount_fen for line in lines) != 0 or not lines:
        raise Unbalanced(f"journal entry does not balance: {lines}")
    return lines


def approval(recipient_uscc: str, funding: list[tuple[str, int]], year: int) -> list[Line]:
    """Approval commits the budget: Dr each fund's share, Cr the recipient's payable."""
    total = sum(amount for _, amount in funding)
    return balanced([*(Line(fund_account(fund, year), amount) for fund, amount in funding),
                     Line(payable_account(recipient_uscc), -total)])


def disbursement(recipient_uscc: str, amount_fen: int) -> list[Line]:
    """Paying settles the payable: Dr payable, Cr bank."""
    return balanced([Line(payable_account(recipient_uscc), amount_fen), Line(BANK, -amount_fen)])


def returned(recipient_uscc: str, amount_fen: int) -> list[Line]:
    """The bank returned a paid transfer: the payable is owed again."""
    return balanced([Line(BANK, amount_fen), Line(payable_account(recipient_uscc), -amount_fen)])


def clawback(recipient_uscc: str, funding: list[tuple[str, int]], year: int) -> list[Line]:
    """追回: the recipient owes the money back; the funds' commitments are released."""
    total = sum(amount for _, amount in funding)
    return balanced([Line(recovery_account(recipient_uscc), total),
                     *(Line(fund_account(fund, year), -amount) for fund, amount in funding)])


def replay(entries: Iterable[Iterable[Line]]) -> dict[str, int]:
    balances: dict[str, int] = defaultdict(int)
    for lines in entries:
        for line in lines:
            balances[line.account] += line.amount_fen
    return {account: amount for account, amount in balances.items() if amount != 0}


def split_cost(amount_fen: int, city_share_bp: int) -> tuple[int, int]:
    """City and county shares of an amount, city share in basis points (1/10000); fen stay whole:
    the city's share is rounded down, the county takes the remainder, so the parts add up exactly."""
    if not 0 <= city_share_bp <= 10_000:
        raise ValueError("city share must be between 0 and 10000 basis points")
    city = amount_fen * city_share_bp // 10_000
    return city, amount_fen - city
