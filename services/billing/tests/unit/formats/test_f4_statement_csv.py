"""F4: the CSV statements French banks export."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.formats.statement_csv import parse_amount, parse_statement_csv
from shared.errors import InvalidInput

ACCOUNT = "FR7630004001230001234567843"


def parse(text: str, encoding: str = "utf-8") -> list:  # type: ignore[type-arg]
    return parse_statement_csv(text.encode(encoding), account=ACCOUNT)


def test_f4_csv_sample_with_preamble_debit_credit_columns_cp1252(sample: type) -> None:
    lines = parse_statement_csv(sample.read("releve-export.csv"), account=ACCOUNT)
    assert [(ln.booked_on, ln.amount) for ln in lines] == [
        (date(2025, 3, 3), Decimal("100.00")),
        (date(2025, 3, 3), Decimal("-12.50")),
        (date(2025, 3, 4), Decimal("1350.00")),
        (date(2025, 3, 4), Decimal("250.00")),
        (date(2025, 3, 4), Decimal("250.00")),
    ]
    assert lines[3].label == "REMISE CHÈQUE N° 4412233"
    assert lines[2].bank_reference == "RX88123"
    assert lines[0].source_line == 5
    # two identical cheque remittances of a day are two payments, each its own fingerprint
    assert lines[3].bank_reference != lines[4].bank_reference
    assert all(ln.account == ACCOUNT for ln in lines)


def test_f4_csv_same_export_twice_same_fingerprints(sample: type) -> None:
    data = sample.read("releve-export.csv")
    assert parse_statement_csv(data, account=ACCOUNT) == parse_statement_csv(data, account=ACCOUNT)


def test_f4_csv_overlapping_exports_agree_on_the_days_they_share() -> None:
    header = "Date;Libellé;Montant\n"
    day3 = "03/03/2025;VIR A;10,00\n03/03/2025;VIR A;10,00\n"
    day4 = "04/03/2025;VIR B;20,00\n"
    first = parse(header + day3 + day4)
    second = parse(header + day4 + "05/03/2025;VIR C;5,00\n")
    assert first[2].bank_reference == second[0].bank_reference


def test_f4_csv_one_signed_amount_column_utf8_bom_iso_dates() -> None:
    text = "\ufeffDate de comptabilisation;Date valeur;Libellé opération;Montant (EUR)\n"
    text += "2025-03-03;2025-03-04;VIR FA-2025-00001;+1.234,56\n2025-03-03;;PRLV;-3,20\n"
    lines = parse(text)
    assert [ln.amount for ln in lines] == [Decimal("1234.56"), Decimal("-3.20")]
    assert lines[0].value_on == date(2025, 3, 4)
    assert lines[1].value_on is None


def test_f4_csv_comma_separated_two_digit_years() -> None:
    lines = parse('date,libelle,montant,reference\n03/03/25,"VIR, FA-2025-00002","12.50",R-1\n')
    assert lines[0].booked_on == date(2025, 3, 3)
    assert lines[0].label == "VIR, FA-2025-00002"
    assert lines[0].amount == Decimal("12.50")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", Decimal("1234.56")),
        ("1\u202f234,56\u00a0€", Decimal("1234.56")),
        ("-12,5", Decimal("-12.5")),
        ("1,234.56", Decimal("1234.56")),
        ("(8,00)", Decimal("-8.00")),
        ("", None),
    ],
)
def test_f4_csv_amounts_as_banks_write_them(text: str, expected: Decimal | None) -> None:
    assert parse_amount(text) == expected


def test_f4_csv_unreadable_movements_refuse_the_file_naming_each_line() -> None:
    text = "Date;Libellé;Débit;Crédit\n32/03/2025;VIR;;10,00\n03/03/2025;VIR;;dix\n"
    text += "03/03/2025;VIR;1,00;2,00\n03/03/2025;VIR;;1,001\n"
    with pytest.raises(InvalidInput) as caught:
        parse(text)
    assert [e["line"] for e in caught.value.extra["errors"]] == [2, 3, 4, 5]


def test_f4_csv_without_a_recognisable_header_is_refused() -> None:
    with pytest.raises(InvalidInput, match="no header row"):
        parse("a;b;c\n1;2;3\n")
    with pytest.raises(InvalidInput, match="empty"):
        parse("  \n")


def test_f4_csv_summary_and_blank_lines_are_not_movements() -> None:
    text = "Date;Libellé;Montant\n03/03/2025;VIR;10,00\n;;\nTotal des opérations;;10,00\n"
    text += "Solde au 03/03/2025;;10,00\n"
    assert len(parse(text)) == 1
