"""F4, F7: bank statements imported from the CFONB 120 format."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.formats import cfonb
from billing.formats.statements import StatementLine
from shared.errors import InvalidInput

ACCOUNT_A = "FR7630004001230001234567843"
ACCOUNT_B = "FR7610278220040002001160148"


def record(fields: list[tuple[int, str]]) -> str:
    line = [" "] * 120
    for start, text in fields:
        line[start - 1 : start - 1 + len(text)] = text
    return "".join(line)


def zones(code: str, account: str = "00012345678", decimals: str = "2") -> list[tuple[int, str]]:
    return [(1, code), (3, "30004"), (12, "00123"), (17, "EUR"), (20, decimals), (22, account)]


def statement(
    *movements: tuple[str, str], opening: str = "0000000000000{", closing: str = "0000000000000{"
) -> bytes:
    lines = [record([*zones("01"), (35, "280225"), (91, opening)])]
    for day, amount in movements:
        lines.append(record([*zones("04"), (35, day), (49, "VIR"), (91, amount)]))
    lines.append(record([*zones("07"), (35, "030325"), (91, closing)]))
    return "\n".join(lines).encode()


@pytest.mark.parametrize(
    ("zone", "decimals", "expected"),
    [
        ("0000000012345{", 2, Decimal("1234.50")),
        ("0000000012345A", 2, Decimal("1234.51")),
        ("0000000012345I", 2, Decimal("1234.59")),
        ("0000000012345}", 2, Decimal("-1234.50")),
        ("0000000012345J", 2, Decimal("-1234.51")),
        ("0000000012345R", 2, Decimal("-1234.59")),
        ("0000000000000{", 2, Decimal("0.00")),
        ("0000000012345E", 0, Decimal("123455")),
        ("0000000012345E", 3, Decimal("123.455")),
    ],
)
def test_f7_cfonb_amount_signed_last_digit_and_decimals(
    zone: str, decimals: int, expected: Decimal
) -> None:
    assert cfonb.parse_amount(zone, decimals) == expected


@pytest.mark.parametrize("zone", ["00000000123459", "0000000012345X", "00000000A2345{", " "])
def test_f7_cfonb_amount_without_a_sign_character_is_refused(zone: str) -> None:
    with pytest.raises(cfonb.CfonbError):
        cfonb.parse_amount(zone, 2)


def test_f7_cfonb_dates_are_jjmmaa() -> None:
    assert cfonb.parse_date("030325") == date(2025, 3, 3)
    assert cfonb.parse_date("311299") == date(2099, 12, 31)
    for wrong in ("300225", "0303 5", "03032025"):
        with pytest.raises(cfonb.CfonbError):
            cfonb.parse_date(wrong)


def test_f7_cfonb_account_zones_become_the_iban() -> None:
    assert cfonb.account_id("30004", "00123", "00012345678") == ACCOUNT_A


def test_f7_cfonb_sample_multi_account_multi_day_with_complements(sample: type) -> None:
    lines = cfonb.parse_cfonb(sample.read("releve-cfonb120.txt"))
    assert [(ln.account, ln.booked_on, ln.amount) for ln in lines] == [
        (ACCOUNT_A, date(2025, 3, 3), Decimal("100.00")),
        (ACCOUNT_A, date(2025, 3, 3), Decimal("350.00")),
        (ACCOUNT_A, date(2025, 3, 3), Decimal("-12.50")),
        (ACCOUNT_A, date(2025, 3, 4), Decimal("150.00")),
        (ACCOUNT_A, date(2025, 3, 4), Decimal("250.00")),
        (ACCOUNT_B, date(2025, 3, 3), Decimal("250.00")),
    ]
    first = lines[0]
    # the 05 records follow their 04: label, payer's name, remittance text cut over two records
    assert first.label.startswith("VIR SEPA RECU LYCEE JEAN MONNET")
    assert "FA-2025- 00012" in first.label
    assert first.label.endswith("RCN7781234")
    assert first.counterparty == "LYCEE PROFESSIONNEL JEAN MONNET"
    assert first.value_on == date(2025, 3, 3)
    assert lines[5].value_on == date(2025, 3, 4)
    assert "ADHESION PREMIUM" in lines[3].label


def test_f4_cfonb_references_are_the_entry_number_else_a_fingerprint(sample: type) -> None:
    lines = cfonb.parse_cfonb(sample.read("releve-cfonb120.txt"))
    assert lines[0].bank_reference == f"CFONB-{ACCOUNT_A}-20250303-1"
    assert lines[4].reference_is_fingerprint  # a cheque remittance without entry number
    assert len({ln.bank_reference for ln in lines}) == len(lines)


def test_f4_cfonb_importing_the_same_file_twice_gives_the_same_references(sample: type) -> None:
    data = sample.read("releve-cfonb120.txt")
    assert cfonb.parse_cfonb(data) == cfonb.parse_cfonb(data)


def test_f4_cfonb_identical_movements_of_a_day_stay_two_payments() -> None:
    data = statement(
        ("030325", "0000000001000{"), ("030325", "0000000001000{"), closing="0000000002000{"
    )
    lines = cfonb.parse_cfonb(data)
    assert len(lines) == 2
    assert lines[0].bank_reference != lines[1].bank_reference


def test_f7_cfonb_records_without_line_breaks() -> None:
    data = statement(("030325", "0000000001000{"), closing="0000000001000{")
    glued = data.replace(b"\n", b"")
    assert cfonb.parse_cfonb(glued) == cfonb.parse_cfonb(data)


def test_f7_cfonb_records_with_trailing_spaces_trimmed() -> None:
    data = statement(("030325", "0000000001000{"), closing="0000000001000{")
    trimmed = b"\n".join(line.rstrip() for line in data.split(b"\n"))
    assert cfonb.parse_cfonb(trimmed)[0].amount == Decimal("100.00")


def test_f7_cfonb_balances_that_do_not_add_up_refuse_the_file() -> None:
    data = statement(("030325", "0000000001000{"), closing="0000000002000{")
    with pytest.raises(InvalidInput) as caught:
        cfonb.parse_cfonb(data)
    assert caught.value.extra["errors"][0]["line"] == 3
    assert "incomplete" in caught.value.extra["errors"][0]["error"]


def test_f7_cfonb_every_faulty_line_is_named() -> None:
    data = statement(("300225", "0000000001000{"), ("030325", "000000000100X"))
    with pytest.raises(InvalidInput) as caught:
        cfonb.parse_cfonb(data)
    lines = [e["line"] for e in caught.value.extra["errors"]]
    assert lines[:2] == [2, 3]
    assert caught.value.code == "validation"


def test_f7_cfonb_structure_errors() -> None:
    movement = record([*zones("04"), (35, "030325"), (91, "0000000001000{")])
    complement = record([*zones("05"), (35, "030325"), (46, "LIB"), (49, "FA-2025-00001")])
    for data, message in (
        (movement, "outside the statement"),
        (complement, "follows no movement"),
        (record([*zones("01"), (35, "030325"), (91, "0000000000000{")]), "no new balance"),
        (record([(1, "09")]), "unknown record code"),
        (record([*zones("01")]) + "X" * 10 + "\n", "120 characters"),
    ):
        with pytest.raises(InvalidInput) as caught:
            cfonb.parse_cfonb(data.encode())
        assert message in str(caught.value.extra["errors"]), message


def test_f7_cfonb_latin1_labels_are_read() -> None:
    lines = [
        record([*zones("01"), (35, "280225"), (91, "0000000000000{")]),
        record([*zones("04"), (35, "030325"), (49, "VIR ÉCOLE"), (91, "0000000001000{")]),
        record([*zones("07"), (35, "030325"), (91, "0000000001000{")]),
    ]
    parsed = cfonb.parse_cfonb("\r\n".join(lines).encode("cp1252"))
    assert isinstance(parsed[0], StatementLine)
    assert parsed[0].label == "VIR ÉCOLE"
