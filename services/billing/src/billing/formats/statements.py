"""F4: one bank statement line, whatever file it came from (CFONB 120, CAMT.053, CSV).

A line carries a bank reference: the bank's own when it gives one, else a fingerprint derived
from what the line says (account, booking date, amount, text) and its rank among identical
lines of the same day, so that importing the same file twice, or two exports whose days
overlap, yields the same references and records nothing twice.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NoReturn

from shared.errors import InvalidInput

CENT = Decimal("0.01")
#: Errors reported at most, so that a wrong file gives a readable answer.
MAX_REPORTED = 50
FINGERPRINT_PREFIX = "FP-"


@dataclass(frozen=True)
class StatementLine:
    """A movement on a bank account. ``amount`` is signed: a credit (money received) is
    positive, a debit negative."""

    account: str
    booked_on: date
    amount: Decimal
    label: str
    bank_reference: str
    currency: str = "EUR"
    value_on: date | None = None
    counterparty: str | None = None
    #: Where the line is in its file (line number, or XML element line), for messages.
    source_line: int = 0

    @property
    def is_credit(self) -> bool:
        return self.amount > 0

    @property
    def reference_is_fingerprint(self) -> bool:
        return self.bank_reference.startswith(FINGERPRINT_PREFIX)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def normalize_text(text: str) -> str:
    """Upper case, accents removed, spaces collapsed: how banks print and compare labels."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.upper().split())


def fingerprint(account: str, booked_on: date, amount: Decimal, label: str, rank: int) -> str:
    material = "|".join(
        (
            normalize_text(account),
            booked_on.isoformat(),
            f"{cents(amount):.2f}",
            normalize_text(label),
            str(rank),
        )
    )
    return FINGERPRINT_PREFIX + hashlib.sha256(material.encode()).hexdigest()[:32]


def with_fingerprints(lines: Iterable[StatementLine]) -> list[StatementLine]:
    """Give every line without a bank reference its fingerprint; identical lines (same
    account, day, amount and text) are told apart by their rank in the file."""
    seen: Counter[tuple[str, date, Decimal, str]] = Counter()
    out: list[StatementLine] = []
    for line in lines:
        if line.bank_reference:
            out.append(line)
            continue
        key = (
            normalize_text(line.account),
            line.booked_on,
            cents(line.amount),
            normalize_text(line.label),
        )
        seen[key] += 1
        reference = fingerprint(line.account, line.booked_on, line.amount, line.label, seen[key])
        out.append(replace(line, bank_reference=reference))
    return out


class LineErrors:
    """Collects what is wrong where, so that a file is refused once with every reason."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.items: list[dict[str, Any]] = []

    def add(self, line: int, error: str) -> None:
        self.items.append({"line": line, "error": error})

    def __bool__(self) -> bool:
        return bool(self.items)

    def fail(self, line: int, error: str) -> NoReturn:
        self.add(line, error)
        self._raise()

    def raise_if_any(self) -> None:
        if self.items:
            self._raise()

    def _raise(self) -> NoReturn:
        shown = self.items[:MAX_REPORTED]
        first = shown[0]
        more = f" ({len(self.items)} errors in all)" if len(self.items) > 1 else ""
        raise InvalidInput(
            f"This {self.what} cannot be imported: line {first['line']}: {first['error']}{more}.",
            errors=shown,
            error_count=len(self.items),
        )


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, else Windows-1252 (what French banking
    software writes when it is not UTF-8)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
