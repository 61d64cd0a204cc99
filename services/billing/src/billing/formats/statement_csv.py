"""F4: the CSV statements French banks really export, read tolerantly.

What varies from bank to bank and is accepted: a few lines about the account before the
header row; ``;`` (most often), ``,`` or tab between cells; UTF-8 or Windows-1252; header names
in French with or without accents (``Date``, ``Date opération``, ``Libellé``, ``Montant(EUR)``,
``Débit euros``, ``Crédit``, ``Référence``...); one signed amount column, or a debit and a
credit column; comma decimals and spaces between thousands; ``JJ/MM/AAAA``, ``JJ/MM/AA`` or
``AAAA-MM-JJ`` dates; balance and total lines after the movements. What is not accepted is a
line that looks like a movement but cannot be read: the file is refused with every such line
(a payment is never dropped silently, F4).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from billing.formats.statements import (
    LineErrors,
    StatementLine,
    cents,
    decode_text,
    normalize_text,
    with_fingerprints,
)

HEADER_SEARCH_ROWS = 30
MAX_ROWS = 20_000
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y%m%d")
#: Lines that sum up rather than move money.
SUMMARY_WORDS = ("SOLDE", "TOTAL", "SOUS TOTAL", "NOUVEAU SOLDE", "ANCIEN SOLDE")


class CsvCellError(ValueError):
    pass


def _key(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", " ", normalize_text(name)).strip()


def _role(header: str) -> str | None:
    key = _key(header)
    rules: tuple[tuple[str, Callable[[str], bool]], ...] = (
        ("value_date", lambda k: k.startswith(("DATE VALEUR", "DATE DE VALEUR"))),
        ("date", lambda k: k.startswith("DATE")),
        ("debit", lambda k: k.startswith("DEBIT")),
        ("credit", lambda k: k.startswith("CREDIT")),
        ("amount", lambda k: k.startswith("MONTANT")),
        (
            "label",
            lambda k: k.startswith(
                ("LIBELLE", "DETAIL", "DESCRIPTION", "INTITULE", "NATURE", "OPERATION", "MOTIF")
            ),
        ),
        ("reference", lambda k: k.startswith(("REF", "NUMERO", "N OPERATION", "NO OPERATION"))),
        ("payer", lambda k: k.startswith(("EMETTEUR", "TIERS", "CONTREPARTIE", "DONNEUR"))),
    )
    for role, matches in rules:
        if matches(key):
            return role
    return None


@dataclass(frozen=True)
class _Columns:
    roles: dict[str, list[int]]

    @classmethod
    def of(cls, header: list[str]) -> _Columns | None:
        roles: dict[str, list[int]] = {}
        for index, name in enumerate(header):
            role = _role(name)
            if role:
                roles.setdefault(role, []).append(index)
        has_amount = "amount" in roles or ("debit" in roles and "credit" in roles)
        if "date" in roles and "label" in roles and has_amount:
            return cls(roles)
        return None

    def cell(self, row: list[str], role: str) -> str:
        index = self.roles.get(role, [None])[0]
        return row[index].strip() if index is not None and index < len(row) else ""

    def joined(self, row: list[str], role: str) -> str:
        cells = [row[i].strip() for i in self.roles.get(role, []) if i < len(row)]
        return " ".join(c for c in cells if c)


def parse_amount(text: str) -> Decimal | None:
    """``1 234,56``, ``-12,50``, ``+100,00 €``, ``1.234,56``, ``1234.56``; None if empty."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]|EUR", "", text.strip())
    if not cleaned:
        return None
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()")
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", cleaned):
        raise CsvCellError(f"{text!r} is not an amount")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern above rules it out
        raise CsvCellError(f"{text!r} is not an amount") from None
    if cents(value) != value:
        raise CsvCellError(f"{text!r} has more than two decimals")
    return -value if negative else value


def parse_date(text: str) -> date:
    value = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    raise CsvCellError(f"{value!r} is not a date (JJ/MM/AAAA or AAAA-MM-JJ)")


def _delimiter(text: str) -> str:
    head = text[:4096]
    counts = {d: head.count(d) for d in (";", "\t", ",")}
    return max(counts, key=lambda d: (counts[d], d == ";"))


def _is_summary(row: list[str]) -> bool:
    return any(normalize_text(c).startswith(SUMMARY_WORDS) for c in row if c.strip())


def _amount(columns: _Columns, row: list[str]) -> Decimal | None:
    if "amount" in columns.roles:
        return parse_amount(columns.cell(row, "amount"))
    debit = parse_amount(columns.cell(row, "debit"))
    credit = parse_amount(columns.cell(row, "credit"))
    if debit and credit:
        raise CsvCellError("a line is a debit or a credit, not both")
    if debit:
        return -abs(debit)
    if credit is not None:
        return abs(credit)
    return None if debit is None else Decimal(0)


def parse_statement_csv(data: bytes, *, account: str) -> list[StatementLine]:
    """The movements of a bank's CSV export of ``account`` (the export seldom names it)."""
    errors = LineErrors("CSV statement")
    text = decode_text(data)
    if not text.strip():
        errors.fail(1, "the file is empty")
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
    except csv.Error as exc:
        errors.fail(1, f"unreadable CSV: {exc}")
    if len(rows) > MAX_ROWS:
        errors.fail(MAX_ROWS, f"at most {MAX_ROWS} lines per file")
    columns: _Columns | None = None
    start = 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = _Columns.of(row)
        if columns:
            start = index + 1
            break
    if columns is None:
        errors.fail(
            1,
            "no header row naming a date, a label and an amount (or debit and credit) column "
            f"in the first {HEADER_SEARCH_ROWS} lines",
        )
    lines: list[StatementLine] = []
    for number, row in enumerate(rows[start:], start=start + 1):
        if not any(cell.strip() for cell in row):
            continue
        if any("\x00" in cell for cell in row):
            errors.add(number, "a cell holds a NUL character")
            continue
        date_text = columns.cell(row, "date")
        try:
            amount = _amount(columns, row)
            if not date_text and amount is None:
                continue  # a label carried over, a blank separator
            if _is_summary(row) and not _looks_like_date(date_text):
                continue
            booked_on = parse_date(date_text)
            if amount is None:
                raise CsvCellError("a movement without an amount")
            value_text = columns.cell(row, "value_date")
            value_on = parse_date(value_text) if value_text else None
        except CsvCellError as exc:
            errors.add(number, str(exc))
            continue
        lines.append(
            StatementLine(
                account=account,
                booked_on=booked_on,
                amount=cents(amount),
                label=" ".join(columns.joined(row, "label").split()),
                bank_reference=columns.cell(row, "reference"),
                value_on=value_on,
                counterparty=columns.cell(row, "payer") or None,
                source_line=number,
            )
        )
    errors.raise_if_any()
    return with_fingerprints(lines)


def _looks_like_date(text: str) -> bool:
    try:
        parse_date(text)
    except CsvCellError:
        return False
    return True
