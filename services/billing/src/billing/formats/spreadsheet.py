"""F7: CSV files that a French spreadsheet opens as they are.

UTF-8 with a byte-order mark (so accents survive), ``;`` between cells (the comma is the
decimal separator), comma decimals, ``JJ/MM/AAAA`` dates, CRLF line ends. A text cell that a
spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``...) is prefixed with ``'``:
labels come from payers and customers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

Cell = str | int | Decimal | date | datetime | bool | None
BOM = "\ufeff"
SEPARATOR = ";"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, int):
        return str(value)
    text = " ".join(value.replace("\x00", "").splitlines())
    return "'" + text if text.startswith(_FORMULA_START) else text


def spreadsheet_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow([cell_text(h) for h in header])
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"a row has {len(row)} cells, the header {len(header)}")
        writer.writerow([cell_text(v) for v in row])
    return (BOM + out.getvalue()).encode("utf-8")
