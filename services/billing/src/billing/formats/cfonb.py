"""F4, F7: the French banks' account statement on 120-character records (CFONB 120).

Records, positions counted from 1 as the format describes them:

- ``01`` old balance and ``07`` new balance: bank code 3-7, branch code 12-16, currency 17-19,
  number of decimals 20, account number 22-32, date 35-40 (JJMMAA), amount 91-104.
- ``04`` movement: the same account zones, internal operation code 8-11, interbank operation
  code 33-34, booking date 35-40, reject reason 41-42, value date 43-48, label 49-79, entry
  number 82-88, amount 91-104, reference 105-120.
- ``05`` complement of the movement before it: qualifier 46-48, information 49-118 (payer's
  name under ``NPY``, remittance text under ``LIB``...). Its text is appended to its ``04``.

Amounts are digits whose last character also carries the sign (``{`` and ``A``-``I`` are 0-9
positive, ``}`` and ``J``-``R`` are 0-9 negative), with the number of decimals of the record.
A file holds several statements (accounts, days) one after another; each one's movements must
take its old balance to its new balance.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from billing.formats.statements import LineErrors, StatementLine, decode_text, with_fingerprints

WIDTH = 120
#: Payer's name in a ``05`` complement.
PAYER_QUALIFIERS = ("NPY", "NPO")

_POSITIVE = {"{": 0, **{chr(ord("A") + i): i + 1 for i in range(9)}}
_NEGATIVE = {"}": 0, **{chr(ord("J") + i): i + 1 for i in range(9)}}


class CfonbError(ValueError):
    """A zone that does not hold what the format says."""


def _zone(record: str, start: int, end: int) -> str:
    """Positions ``start`` to ``end`` inclusive, counted from 1."""
    return record[start - 1 : end]


def parse_amount(zone: str, decimals: int) -> Decimal:
    """``00000000012345{`` with 2 decimals -> ``1234.50``; ``...J`` is negative."""
    text = zone.strip()
    if len(text) < 2 or not text[:-1].isdigit():
        raise CfonbError(f"amount {zone!r} is not digits followed by a sign character")
    last = text[-1]
    if last in _POSITIVE:
        sign, digit = 1, _POSITIVE[last]
    elif last in _NEGATIVE:
        sign, digit = -1, _NEGATIVE[last]
    else:
        raise CfonbError(f"amount {zone!r} ends with {last!r}, which carries no sign")
    units = int(text[:-1] + str(digit))
    return Decimal(sign * units).scaleb(-decimals)


def parse_date(zone: str) -> date:
    """``JJMMAA``; the years are those of this century."""
    if not (len(zone) == 6 and zone.isdigit()):
        raise CfonbError(f"date {zone!r} is not JJMMAA")
    try:
        return date(2000 + int(zone[4:6]), int(zone[2:4]), int(zone[0:2]))
    except ValueError:
        raise CfonbError(f"date {zone!r} is not a day of the calendar") from None


def account_id(bank: str, branch: str, number: str) -> str:
    """The account's IBAN (its RIB key computed), so that a CFONB statement and a CAMT.053
    one name the same account alike; the bank's zones as they are when no IBAN follows."""
    try:
        return str(IBAN.generate("FR", bank_code=bank + branch, account_code=number))
    except SchwiftyException:
        return f"{bank} {branch} {number}"


@dataclass
class _Movement:
    line: int
    account: str
    booked_on: date
    value_on: date | None
    amount: Decimal
    currency: str
    label: str
    entry_number: str
    reference: str
    complements: list[str] = field(default_factory=list)
    payer: str | None = None

    def statement_line(self) -> StatementLine:
        text = " ".join([self.label, *self.complements, self.reference])
        return StatementLine(
            account=self.account,
            booked_on=self.booked_on,
            amount=self.amount,
            label=" ".join(text.split()),
            bank_reference="",
            currency=self.currency,
            value_on=self.value_on,
            counterparty=self.payer,
            source_line=self.line,
        )


@dataclass
class _Statement:
    line: int
    account: str
    opening: Decimal
    movements: list[_Movement] = field(default_factory=list)


def _records(text: str) -> list[str]:
    """Records one per line, or one after another with no line break at all."""
    if "\n" not in text and "\r" not in text and len(text) > WIDTH:
        return [text[i : i + WIDTH] for i in range(0, len(text), WIDTH)]
    return text.splitlines()


def _account(record: str) -> tuple[str, str, int]:
    """The account id, its currency and the number of decimals of the record's amount."""
    decimals = _zone(record, 20, 20)
    if not decimals.isdigit():
        raise CfonbError(f"number of decimals {decimals!r} is not a digit")
    bank, branch, number = _zone(record, 3, 7), _zone(record, 12, 16), _zone(record, 22, 32)
    currency = _zone(record, 17, 19).strip() or "EUR"
    return account_id(bank, branch, number), currency, int(decimals)


def _entry_reference(movement: _Movement) -> str:
    """The bank's entry number identifies the movement on its account and day."""
    number = movement.entry_number.strip().lstrip("0")
    if not number:
        return ""
    return f"CFONB-{movement.account.replace(' ', '')}-{movement.booked_on:%Y%m%d}-{number}"


def parse_cfonb(data: bytes) -> list[StatementLine]:
    """Every movement of a CFONB 120 file, in file order; the file is refused as a whole
    (``InvalidInput`` with each faulty line) if a record or a balance is wrong."""
    errors = LineErrors("CFONB 120 statement")
    statements: list[_Statement] = []
    current: _Statement | None = None
    last: _Movement | None = None
    records = _records(decode_text(data))
    for number, raw in enumerate(records, start=1):
        if not raw.strip():
            continue
        if len(raw.rstrip()) > WIDTH:
            errors.add(number, f"a record has {WIDTH} characters, this one {len(raw.rstrip())}")
            continue
        record = raw.ljust(WIDTH)
        code = record[:2]
        try:
            if code == "01":
                account, _currency, decimals = _account(record)
                if current is not None:
                    errors.add(number, "a new statement starts before the last one's new balance")
                current = _Statement(
                    number, account, parse_amount(_zone(record, 91, 104), decimals)
                )
                statements.append(current)
                last = None
            elif code == "04":
                account, currency, decimals = _account(record)
                if current is None or current.account != account:
                    raise CfonbError("a movement outside the statement of its account")
                value_zone = _zone(record, 43, 48)
                last = _Movement(
                    line=number,
                    account=account,
                    booked_on=parse_date(_zone(record, 35, 40)),
                    value_on=parse_date(value_zone) if value_zone.strip("0 ") else None,
                    amount=parse_amount(_zone(record, 91, 104), decimals),
                    currency=currency,
                    label=_zone(record, 49, 79).strip(),
                    entry_number=_zone(record, 82, 88),
                    reference=_zone(record, 105, 120).strip(),
                )
                current.movements.append(last)
            elif code == "05":
                account, _currency, _decimals = _account(record)
                if last is None or last.account != account:
                    raise CfonbError("a complement record that follows no movement of its account")
                qualifier = _zone(record, 46, 48).strip()
                info = _zone(record, 49, 118).strip()
                if qualifier in PAYER_QUALIFIERS and info and last.payer is None:
                    last.payer = info
                if info:
                    last.complements.append(info)
            elif code == "07":
                account, _currency, decimals = _account(record)
                if current is None or current.account != account:
                    raise CfonbError("a new balance without the old balance of its account")
                closing = parse_amount(_zone(record, 91, 104), decimals)
                moved = sum((m.amount for m in current.movements), Decimal(0))
                if current.opening + moved != closing:
                    errors.add(
                        number,
                        f"the movements ({moved}) do not take the old balance "
                        f"({current.opening}, line {current.line}) to the new one ({closing}): "
                        "the file is incomplete",
                    )
                current, last = None, None
            else:
                raise CfonbError(f"unknown record code {code!r} (01, 04, 05 or 07)")
        except CfonbError as exc:
            errors.add(number, str(exc))
    if current is not None:
        errors.add(current.line, "this statement has no new balance (07): the file is cut short")
    errors.raise_if_any()
    lines: list[StatementLine] = []
    for statement in statements:
        for movement in statement.movements:
            line = movement.statement_line()
            lines.append(replace(line, bank_reference=_entry_reference(movement)))
    return with_fingerprints(lines)
