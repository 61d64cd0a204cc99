"""F4: matching statement lines to invoices, and the plausible dates of a payment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.formats.cfonb import parse_cfonb
from billing.formats.matching import (
    MatchStatus,
    check_payment_dates,
    invoice_numbers_in,
    match_line,
    match_lines,
)
from billing.formats.statements import StatementLine
from shared.errors import RuleViolated


def line(label: str, amount: str = "100.00", on: date = date(2025, 3, 3)) -> StatementLine:
    return StatementLine("FR76...", on, Decimal(amount), label, "R", source_line=7)


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("FA-2025-00012", ["FA-2025-00012"]),
        ("reglement fa 2025 12", ["FA-2025-00012"]),
        ("FA2025/00012 FA_2025_13", ["FA-2025-00012", "FA-2025-00013"]),
        ("FACTURE FA-2025- 00012", ["FA-2025-00012"]),  # cut over two 05 records
        ("F A 2025-00007", ["FA-2025-00007"]),
        ("FA-2025-00012 puis FA-2025-00012", ["FA-2025-00012"]),
        ("FA-2025-00000", []),
        ("SOFA-2025-00012", []),  # inside another word
        ("FA-2025-000123", []),  # more digits than a sequence has
        ("AV-2025-00003", []),  # a credit note is not paid
        ("FA-1850-00001", []),
        ("", []),
    ],
)
def test_f4_invoice_numbers_in_remittance_text(text: str, numbers: list[str]) -> None:
    assert invoice_numbers_in(text) == numbers


def test_f4_a_credit_naming_a_known_invoice_is_matched_in_the_written_order() -> None:
    known = {"FA-2025-00013", "FA-2025-00014"}
    decided = match_line(line("fa 2025 14 et FA-2025-00013 FA-2025-00099"), known)
    assert decided.status is MatchStatus.MATCHED
    assert decided.invoice_numbers == ("FA-2025-00014", "FA-2025-00013")
    assert decided.unknown_numbers == ("FA-2025-00099",)
    assert decided.reason == "pays FA-2025-00014, FA-2025-00013"


def test_f4_a_credit_naming_no_known_invoice_waits_unmatched() -> None:
    unknown = match_line(line("FA-2024-00001"), {"FA-2025-00001"})
    assert unknown.status is MatchStatus.UNMATCHED
    assert "FA-2024-00001" in unknown.reason
    silent = match_line(line("COTISATION"), {"FA-2025-00001"})
    assert silent.status is MatchStatus.UNMATCHED
    assert silent.reason == "names no invoice number"


@pytest.mark.parametrize("amount", ["-100.00", "0.00"])
def test_f4_a_debit_is_not_a_payment(amount: str) -> None:
    decided = match_line(line("FA-2025-00001", amount), {"FA-2025-00001"})
    assert decided.status is MatchStatus.NOT_A_PAYMENT


def test_f4_cfonb_sample_matching(sample: type) -> None:
    lines = parse_cfonb(sample.read("releve-cfonb120.txt"))
    known = {"FA-2025-00012", "FA-2025-00013", "FA-2025-00014", "FA-2025-00020"}
    decided = match_lines(lines, known)
    assert [d.status for d in decided] == [
        MatchStatus.MATCHED,
        MatchStatus.MATCHED,
        MatchStatus.NOT_A_PAYMENT,
        MatchStatus.UNMATCHED,
        MatchStatus.UNMATCHED,
        MatchStatus.MATCHED,
    ]
    assert decided[1].invoice_numbers == ("FA-2025-00013", "FA-2025-00014")


def test_f4_payment_dates_between_first_invoicing_year_and_today() -> None:
    today = date(2025, 3, 5)
    ok = [line("a", on=date(2024, 1, 1)), line("b", on=today), line("c", "-5", date(2020, 1, 1))]
    check_payment_dates(ok, first_invoicing_year=2024, today=today)


def test_f4_payment_dated_before_the_first_year_or_in_the_future_is_refused() -> None:
    today = date(2025, 3, 5)
    lines = [line("a", on=date(2023, 12, 31)), line("b"), line("c", on=date(2025, 3, 6))]
    with pytest.raises(RuleViolated) as caught:
        check_payment_dates(lines, first_invoicing_year=2024, today=today)
    assert caught.value.rule == "F4"
    assert [w["booked_on"] for w in caught.value.extra["lines"]] == ["2023-12-31", "2025-03-06"]
    assert "31/12/2023" in caught.value.detail
