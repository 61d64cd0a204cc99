"""F7: CSV for a French spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from billing.formats.spreadsheet import spreadsheet_csv


def test_f7_csv_utf8_bom_semicolons_comma_decimals_french_dates() -> None:
    data = spreadsheet_csv(
        ("numéro", "date", "montant", "payé", "libellé"),
        [
            ("FA-2025-00012", date(2025, 3, 2), Decimal("1234.50"), True, "Lycée; « Jean »"),
            (
                "FA-2025-00013",
                datetime(2025, 3, 2, 8, 5, tzinfo=UTC),
                Decimal("-3.20"),
                False,
                None,
            ),
        ],
    )
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "numéro;date;montant;payé;libellé"
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1] == ["FA-2025-00012", "02/03/2025", "1234,50", "oui", "Lycée; « Jean »"]
    assert rows[2] == ["FA-2025-00013", "02/03/2025 08:05", "-3,20", "non", ""]


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+33", "-1", "@SUM(A1)"])
def test_f7_csv_text_is_never_a_formula(text: str) -> None:
    data = spreadsheet_csv(("libellé",), [(text,)]).decode("utf-8-sig")
    assert data.splitlines()[1].lstrip('"').startswith("'")


def test_f7_csv_rows_have_the_header_width() -> None:
    with pytest.raises(ValueError, match="cells"):
        spreadsheet_csv(("a", "b"), [("1",)])


def test_f7_csv_multiline_text_stays_on_one_row() -> None:
    data = spreadsheet_csv(("libellé",), [("VIR\nFA-2025-1",)]).decode("utf-8-sig")
    assert data.splitlines() == ["libellé", "VIR FA-2025-1"]
