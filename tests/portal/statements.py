"""A bank statement as a French bank sends it: CFONB 120 records (old balance, movements, new
balance), for the browser test of the statement import."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

WIDTH = 120
BANK, BRANCH, ACCOUNT = "30004", "00123", "00012345678"


def _amount(amount: Decimal) -> str:
    """14 positions in cents, the last digit carrying the sign (``{``, ``A``-``I`` positive;
    ``}``, ``J``-``R`` negative)."""
    digits = f"{int(abs(amount) * 100):014d}"
    last = int(digits[-1])
    if amount >= 0:
        sign = "{" if last == 0 else chr(ord("A") + last - 1)
    else:
        sign = "}" if last == 0 else chr(ord("J") + last - 1)
    return digits[:-1] + sign


def _record(code: str, zones: dict[int, str]) -> str:
    """A record: ``zones`` by their first position, counted from 1."""
    record = [" "] * WIDTH
    record[0:2] = code
    for start, text in zones.items():
        record[start - 1 : start - 1 + len(text)] = text
    return "".join(record)


def cfonb_statement(day: date, movements: list[tuple[int, str, str]]) -> bytes:
    """One account's statement of ``day``: each movement its entry number, amount (negative:
    a debit) and label (31 characters at most)."""
    account = {3: BANK, 12: BRANCH, 17: "EUR", 20: "2", 22: ACCOUNT}
    balance = Decimal("1000.00")
    records = [_record("01", {**account, 35: f"{day:%d%m%y}", 91: _amount(balance)})]
    for number, amount, label in movements:
        records.append(
            _record(
                "04",
                {
                    **account,
                    8: "0158",
                    33: "05",
                    35: f"{day:%d%m%y}",
                    43: f"{day:%d%m%y}",
                    49: label[:31],
                    82: f"{number:07d}",
                    91: _amount(Decimal(amount)),
                },
            )
        )
        balance += Decimal(amount)
    records.append(_record("07", {**account, 35: f"{day:%d%m%y}", 91: _amount(balance)}))
    return ("\r\n".join(records) + "\r\n").encode("ascii")
