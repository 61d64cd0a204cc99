"""F1 (what is invoiced) and F2 (numbering, credit notes) on the pure domain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.domain.credit_notes import decide_credit
from billing.domain.invoices import Balance, Line, dues_line, total_of
from billing.domain.numbering import Series, format_number, invoice_numbers_in, next_sequence
from shared.errors import Conflict, RuleViolated


def test_f1_dues_line_of_a_new_membership_names_the_year_and_plan() -> None:
    line = dues_line("membership_new", year=2025, amount=Decimal("100.00"), plan="simple")
    assert line.quantity == 1
    assert line.unit_price == Decimal("100.00")
    assert "2025" in line.description
    assert "Simple" in line.description


def test_f1_renewal_and_upgrade_lines() -> None:
    renewal = dues_line("membership_renewal", year=2026, amount=Decimal("150"), plan="premium")
    assert "renouvellement" in renewal.description
    up = dues_line(
        "plan_upgrade", year=2025, amount=Decimal("50"), plan="premium", from_plan="simple"
    )
    assert up.amount == Decimal("50.00")
    assert "Premium" in up.description


def test_f1_auditorium_is_not_a_dues_invoice() -> None:
    with pytest.raises(RuleViolated) as error:
        dues_line("auditorium", year=2025, amount=Decimal("250"), plan="premium")
    assert error.value.rule == "F1"


def test_f1_dues_are_positive() -> None:
    with pytest.raises(RuleViolated):
        dues_line("membership_new", year=2025, amount=Decimal("0"), plan="simple")


def test_f3_lines_total_in_decimal_cents() -> None:
    lines = [
        Line("Auditorium 2025-04-01", 1, Decimal("250.00")),
        Line("Auditorium 2025-04-02", 2, Decimal("0.10")),
    ]
    assert total_of(lines) == Decimal("250.20")
    with pytest.raises(RuleViolated):
        Line("x", 0, Decimal("1.00"))
    with pytest.raises(RuleViolated):
        Line("x", 1, Decimal("1.005"))


def test_f2_number_format_per_year() -> None:
    assert format_number(Series.INVOICE, 2025, 1) == "FA-2025-00001"
    assert format_number(Series.CREDIT_NOTE, 2025, 42) == "AV-2025-00042"
    with pytest.raises(ValueError, match="starts at 1"):
        format_number(Series.INVOICE, 2025, 0)


def test_f2_next_sequence_has_no_gap_and_never_goes_back() -> None:
    assert next_sequence(0) == 1
    assert next_sequence(41) == 42
    with pytest.raises(ValueError, match="never negative"):
        next_sequence(-1)


def test_f4_invoice_numbers_are_found_in_a_payer_reference() -> None:
    text = "VIR SEPA Cotisation fa 2025 00012 et FA-2025-13 / FA2025-00012"
    assert invoice_numbers_in(text) == ["FA-2025-00012", "FA-2025-00013"]
    assert invoice_numbers_in("AV-2025-00001 remboursement") == []
    assert invoice_numbers_in("") == []


def test_f2_full_credit_note_cancels_the_invoice() -> None:
    decision = decide_credit(Balance(Decimal("100"), Decimal("0"), Decimal("0")), None, "erreur")
    assert decision.amount == Decimal("100.00")
    assert decision.cancels_invoice


def test_f2_partial_credit_notes_add_up_to_the_invoice_then_stop() -> None:
    first = decide_credit(
        Balance(Decimal("150"), Decimal("0"), Decimal("0")), Decimal("50"), "remise"
    )
    assert not first.cancels_invoice
    second = decide_credit(Balance(Decimal("150"), Decimal("50"), Decimal("0")), None, "annulation")
    assert second.amount == Decimal("100.00")
    assert second.cancels_invoice
    with pytest.raises(RuleViolated) as error:
        decide_credit(Balance(Decimal("150"), Decimal("150"), Decimal("0")), None, "encore")
    assert error.value.rule == "F2"
    assert isinstance(error.value, Conflict)
    assert error.value.status == 409


def test_f2_credit_note_cannot_exceed_the_invoice_nor_be_negative_nor_unexplained() -> None:
    balance = Balance(Decimal("100"), Decimal("0"), Decimal("0"))
    for amount in (Decimal("100.01"), Decimal("-1"), Decimal("0")):
        with pytest.raises(RuleViolated):
            decide_credit(balance, amount, "x")
    with pytest.raises(RuleViolated):
        decide_credit(balance, None, "  ")


def test_f2_cancelled_invoice_status() -> None:
    balance = Balance(Decimal("100"), Decimal("100"), Decimal("0"))
    assert balance.status(date(2025, 1, 31), date(2025, 6, 1)).value == "cancelled"
    assert balance.outstanding == Decimal("0.00")
