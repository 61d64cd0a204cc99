"""F2: invoice and credit-note numbers, sequential per year, with no gap and no reuse.

The counter itself lives in the database (one row per series and year, locked in the issuing
transaction); this module formats numbers and finds them in free text.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Series(StrEnum):
    INVOICE = "FA"
    CREDIT_NOTE = "AV"


DIGITS = 5
#: An invoice or credit note number as ``format_number`` writes it (a sequence past 99999 takes
#: a sixth digit); the API's parameters declare these patterns.
INVOICE_NUMBER_PATTERN = r"FA-[0-9]{4}-[0-9]{5,6}"
CREDIT_NOTE_NUMBER_PATTERN = r"AV-[0-9]{4}-[0-9]{5,6}"


def format_number(series: Series, year: int, sequence: int) -> str:
    """``FA-2025-00001``: the series, the year of issue and the sequence in that year."""
    if sequence < 1:
        raise ValueError("a sequence starts at 1")
    if not 1000 <= year <= 9999:
        raise ValueError(f"{year} is not a year")
    return f"{series.value}-{year}-{sequence:0{DIGITS}d}"


def next_sequence(last: int) -> int:
    """The number after ``last``: never skips, never goes back."""
    if last < 0:
        raise ValueError("a counter is never negative")
    return last + 1


#: An invoice number as payers write it and banks print it: ``FA-2025-00012``, ``fa 2025 12``,
#: ``FA2025/00012``, ``F A 2025-00007``, or ``FA-2025-`` at the end of one statement record and
#: ``00012`` at the start of the next. Not inside another word (``SOFA-2025-...``), a year of
#: 19xx or 20xx, at most five digits of sequence. The one pattern billing finds numbers with.
_INVOICE_IN_TEXT = re.compile(
    r"(?<![A-Z0-9])F\s?A[\s\-_/.:]*((?:19|20)\d{2})[\s\-_/.:]*(\d{1,5})(?!\d)", re.IGNORECASE
)


def invoice_numbers_in(text: str) -> list[str]:
    """Invoice numbers a payer wrote in a bank reference, normalised, first seen first.

    ``"Cotisation fa 2025 00012 + FA-2025-00013"`` -> ``["FA-2025-00012", "FA-2025-00013"]``.
    """
    found: list[str] = []
    for match in _INVOICE_IN_TEXT.finditer(text or ""):
        year, sequence = int(match.group(1)), int(match.group(2))
        if sequence == 0:
            continue
        number = format_number(Series.INVOICE, year, sequence)
        if number not in found:
            found.append(number)
    return found
