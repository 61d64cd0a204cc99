"""F4 (payments, matching, overdue) and F5 (paid in full, once) on the pure domain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.domain.invoices import Balance, becomes_paid, is_overdue
from billing.domain.payments import (
    OpenInvoice,
    allocate_by_reference,
    check_manual_allocation,
    check_payment,
    check_payment_date,
)
from shared.errors import Conflict, RuleViolated

D = Decimal


def test_f4_payment_methods_amounts_and_reference() -> None:
    check_payment(D("100.00"), "transfer", "VIR-1")
    check_payment(D("100.00"), "cheque", "CHQ 1234567")
    check_payment(D("100.00"), "card", "CB-9")
    for amount, method, ref in (
        (D("100"), "cash", "X"),
        (D("-1"), "transfer", "X"),
        (D("0"), "transfer", "X"),
        (D("1.001"), "transfer", "X"),
        (D("1"), "transfer", " "),
    ):
        with pytest.raises(RuleViolated) as error:
            check_payment(amount, method, ref)
        assert error.value.rule == "F4"


def test_f4_partial_payment_is_kept_and_leaves_a_balance() -> None:
    [share] = allocate_by_reference(D("40"), [OpenInvoice("a", "FA-2025-00001", D("100"))])
    assert share.amount == D("40.00")
    balance = Balance(D("100"), D("0"), D("40"))
    assert balance.outstanding == D("60.00")
    assert balance.status(date(2025, 3, 31), date(2025, 3, 1)).value == "partly_paid"


def test_f4_overpayment_is_kept_on_the_last_invoice_named() -> None:
    shares = allocate_by_reference(
        D("260"),
        [OpenInvoice("a", "FA-2025-00001", D("100")), OpenInvoice("b", "FA-2025-00002", D("150"))],
    )
    assert [(s.invoice_id, s.amount) for s in shares] == [("a", D("100.00")), ("b", D("160.00"))]
    assert Balance(D("150"), D("0"), D("160")).overpaid == D("10.00")


def test_f4_payment_naming_no_invoice_waits_unmatched() -> None:
    assert allocate_by_reference(D("100"), []) == []


def test_f4_manual_allocation_takes_at_most_what_is_left() -> None:
    assert check_manual_allocation(None, D("70")) == D("70.00")
    assert check_manual_allocation(D("20"), D("70")) == D("20.00")
    with pytest.raises(Conflict):
        check_manual_allocation(D("71"), D("70"))
    with pytest.raises(Conflict):
        check_manual_allocation(None, D("0"))


def test_f5_invoice_becomes_paid_once_when_paid_in_full() -> None:
    unpaid = Balance(D("100"), D("0"), D("0"))
    half = Balance(D("100"), D("0"), D("50"))
    full = Balance(D("100"), D("0"), D("100"))
    more = Balance(D("100"), D("0"), D("130"))
    assert not becomes_paid(unpaid, half)
    assert becomes_paid(half, full)
    assert not becomes_paid(full, more), "already paid: InvoicePaid is not sent again"
    assert becomes_paid(unpaid, more)


def test_f5_partial_credit_note_then_payment_of_the_rest_is_paid() -> None:
    assert Balance(D("150"), D("50"), D("100")).settled
    assert not Balance(D("150"), D("150"), D("0")).settled, "a cancelled invoice is not paid"


def test_f4_overdue_the_day_after_the_due_date_while_unpaid() -> None:
    due = date(2025, 3, 31)
    assert not is_overdue(due, date(2025, 3, 31), D("100"))
    assert is_overdue(due, date(2025, 4, 1), D("100"))
    assert not is_overdue(due, date(2025, 4, 1), D("0"))
    assert Balance(D("100"), D("0"), D("0")).status(due, date(2025, 4, 1)).value == "overdue"


@pytest.mark.parametrize("amount", ["1e999999999", "-1e999999999", "9999999999.995"])
def test_f4_an_amount_beyond_the_books_is_refused_not_an_overflow(amount: str) -> None:
    with pytest.raises(RuleViolated):
        check_payment(D(amount), "transfer", "R1")


@pytest.mark.parametrize(
    ("received_on", "refused"),
    [
        (date(2024, 12, 31), True),
        (date(2025, 1, 1), False),
        (date(2025, 3, 10), False),
        (date(2025, 3, 11), True),
        (date(1900, 1, 1), True),
    ],
)
def test_f4_a_payment_is_dated_between_the_first_invoicing_year_and_today(
    received_on: date, refused: bool
) -> None:
    if not refused:
        check_payment_date(received_on, first_year=2025, today=date(2025, 3, 10))
        return
    with pytest.raises(RuleViolated) as caught:
        check_payment_date(received_on, first_year=2025, today=date(2025, 3, 10))
    assert caught.value.rule == "F4"
