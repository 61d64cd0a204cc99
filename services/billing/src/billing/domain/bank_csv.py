"""F4: payments from a CSV bank export, checked in full before anything is recorded.

Expected columns (header row, ``;`` or ``,`` separated, names in English or French):
``date`` (AAAA-MM-JJ or JJ/MM/AAAA), ``amount``/``montant`` (``1234,56`` or ``1234.56``),
``label``/``libelle`` (the payer's reference, where an invoice number is looked for),
``bank_reference``/``reference`` (unique per operation at the bank: the idempotency key),
and optionally ``method``/``mode`` (transfer by default) and ``payer``/``emetteur``.
Debit lines (negative amounts) are not payments: they are reported as skipped.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from billing.domain.money import ZERO, InvalidAmountError, parse_amount
from billing.domain.payments import METHODS
from shared.errors import InvalidInput, RuleViolated

ALIASES = {
    "date": "date",
    "date_operation": "date",
    "date_valeur": "date",
    "amount": "amount",
    "montant": "amount",
    "credit": "amount",
    "label": "label",
    "libelle": "label",
    "payer_reference": "label",
    "bank_reference": "bank_reference",
    "reference": "bank_reference",
    "reference_bancaire": "bank_reference",
    "method": "method",
    "mode": "method",
    "payer": "payer",
    "emetteur": "payer",
}
REQUIRED = ("date", "amount", "label", "bank_reference")
METHOD_ALIASES = {
    "virement": "transfer",
    "transfer": "transfer",
    "vir": "transfer",
    "cheque": "cheque",
    "chq": "cheque",
    "carte": "card",
    "cb": "card",
    "card": "card",
}
MAX_ROWS = 10_000


def _refused(errors: list[dict[str, Any]]) -> RuleViolated:
    """F4: the file is refused as a whole, each line error in ``errors`` (line, message)."""
    shown = "; ".join(
        f"line {e['line']}: {e['message']}" if e["line"] else e["message"] for e in errors[:10]
    )
    more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
    return RuleViolated(
        "F4",
        f"The bank export was not imported, nothing was recorded: {shown}{more}. "
        "Correct these lines and import the whole file again.",
        errors=errors,
    )


def _not_csv(reason: str) -> InvalidInput:
    return InvalidInput(f"The file is not a CSV bank export: {reason}.")


@dataclass(frozen=True)
class BankLine:
    line: int
    received_on: date
    amount: Decimal
    label: str
    bank_reference: str
    method: str
    payer: str | None


@dataclass(frozen=True)
class ParsedExport:
    payments: list[BankLine]
    skipped: list[str]


def _key(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "_".join(plain.strip().lower().replace("-", " ").split())


def parse_date(text: str) -> date:
    value = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y%m%d"):
        try:
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date (AAAA-MM-JJ or JJ/MM/AAAA)")


def _error(line: int | None, message: str) -> dict[str, Any]:
    return {"line": line, "message": message}


def parse_bank_csv(text: str) -> ParsedExport:
    """The payments of a CSV bank export, or the reasons it is refused: ``InvalidInput`` when
    the file is not CSV at all, ``RuleViolated("F4")`` with every line error in ``errors``."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise _not_csv("the file is empty")
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise _not_csv(f"no header row ({exc})") from None
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        canonical = ALIASES.get(_key(name))
        if canonical and canonical not in columns:
            columns[canonical] = index
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise _refused([_error(1, f"the header lacks the column(s) {', '.join(missing)}")])

    payments: list[BankLine] = []
    skipped: list[str] = []
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    try:
        records = list(enumerate(reader, start=2))
    except csv.Error as exc:
        raise _not_csv(f"unreadable CSV ({exc})") from None
    if len(records) > MAX_ROWS:
        raise _refused([_error(None, f"a file holds at most {MAX_ROWS} lines")])
    for number, record in records:
        if not any(cell.strip() for cell in record):
            continue
        if any("\x00" in cell for cell in record):
            # PostgreSQL text cannot hold NUL: refuse the line rather than fail at the insert
            errors.append(_error(number, "a cell holds a NUL character"))
            continue

        def cell(name: str, record: list[str] = record) -> str:
            index = columns.get(name)
            return record[index].strip() if index is not None and index < len(record) else ""

        try:
            received_on = parse_date(cell("date"))
            amount = parse_amount(cell("amount"))
        except (ValueError, InvalidAmountError) as exc:
            errors.append(_error(number, str(exc)))
            continue
        reference = cell("bank_reference")
        if not reference:
            errors.append(_error(number, "no bank reference"))
            continue
        method_text = _key(cell("method")) if "method" in columns else ""
        method = METHOD_ALIASES.get(method_text, "transfer" if not method_text else "")
        if method not in METHODS:
            errors.append(_error(number, f"unknown payment method {cell('method')!r}"))
            continue
        if amount <= ZERO:
            skipped.append(f"line {number}: {reference} is not a credit ({amount})")
            continue
        if reference in seen:
            skipped.append(f"line {number}: {reference} appears twice in the file")
            continue
        seen.add(reference)
        payments.append(
            BankLine(
                line=number,
                received_on=received_on,
                amount=amount,
                label=cell("label"),
                bank_reference=reference,
                method=method,
                payer=cell("payer") or None,
            )
        )
    if errors:
        raise _refused(errors)
    return ParsedExport(payments, skipped)
