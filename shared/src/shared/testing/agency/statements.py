"""The agency's bank statements as its bank sends them: CFONB 120 (F4, F7), one a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

#: The agency's bank account (billing's development account): its statements are imported.
AGENCY_IBAN = "FR7630004001230001234567843"


@dataclass(frozen=True)
class Movement:
    """A line of a bank statement: a credit (or a debit, negative), its text and payer."""

    amount: Decimal
    label: str
    complement: str = ""
    payer: str = ""


_BANK, _BRANCH, _ACCOUNT = AGENCY_IBAN[4:9], AGENCY_IBAN[9:14], AGENCY_IBAN[14:25]


def _amount(value: Decimal) -> str:
    """14 positions, the last digit carrying the sign (``{``, ``A``-``I``: + 0-9; ``}``,
    ``J``-``R``: - 0-9)."""
    digits = f"{int(abs(value) * 100):014d}"
    last = int(digits[-1])
    signs = "{ABCDEFGHI" if value >= 0 else "}JKLMNOPQR"
    return digits[:-1] + signs[last]


def _record(code: str, day: date, zones: dict[int, str]) -> str:
    record = [" "] * 120
    fields = {1: code, 3: _BANK, 12: _BRANCH, 17: "EUR", 20: "2", 22: _ACCOUNT}
    fields[35] = f"{day:%d%m%y}"
    for start, text in {**fields, **zones}.items():
        record[start - 1 : start - 1 + len(text)] = text
    return "".join(record)


def cfonb_statement(
    day: date, movements: list[Movement], opening: str = "5000.00", first_entry: int = 1
) -> bytes:
    """One day's statement: old balance (01), movements (04, with 05 complements: the payer
    under ``NPY``, the remittance text under ``LIB``), new balance (07). The bank numbers the
    day's entries from ``first_entry`` (a second statement of one day goes on from the first's)."""
    balance = Decimal(opening)
    records = [_record("01", day, {91: _amount(balance)})]
    for number, m in enumerate(movements, start=first_entry):
        records.append(
            _record(
                "04",
                day,
                {
                    8: "0158",
                    33: "05",
                    43: f"{day:%d%m%y}",
                    49: m.label[:31],
                    82: f"{number:07d}",
                    91: _amount(m.amount),
                },
            )
        )
        if m.payer:
            records.append(_record("05", day, {46: "NPY", 49: m.payer[:70]}))
        if m.complement:
            records.append(_record("05", day, {46: "LIB", 49: m.complement[:70]}))
        balance += m.amount
    records.append(_record("07", day, {91: _amount(balance)}))
    return ("\r\n".join(records) + "\r\n").encode("ascii")
