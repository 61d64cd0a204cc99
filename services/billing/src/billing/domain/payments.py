"""F4: payments by transfer, cheque or card, their matching to invoices, and what is left over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal, get_args

from billing.domain.money import ZERO, is_cents, money
from shared.errors import Conflict, RuleViolated

Method = Literal["transfer", "cheque", "card"]
METHODS: tuple[str, ...] = get_args(Method)


def check_payment(amount: Decimal, method: str, bank_reference: str) -> None:
    """F4: what a recorded payment must have."""
    if method not in METHODS:
        raise RuleViolated(
            "F4", f"Unknown payment method {method!r}: use one of {', '.join(METHODS)}."
        )
    if not is_cents(amount) or amount <= ZERO:
        raise RuleViolated(
            "F4", "A payment is a positive amount in euros and cents (two decimals)."
        )
    if not bank_reference.strip():
        raise RuleViolated(
            "F4", "A payment needs its bank reference (transfer id, cheque number or card slip)."
        )
    if "\x00" in bank_reference:
        raise RuleViolated("F4", "A bank reference is printable text.")


def check_payment_date(received_on: date, *, first_year: int, today: date) -> None:
    """F4 (decision): a payment is received between 1 January of the agency's first invoicing
    year and today, never before it invoiced anything nor in the future."""
    earliest = date(first_year, 1, 1)
    if received_on > today:
        raise RuleViolated(
            "F4",
            f"A payment cannot be received in the future: {received_on} is after today ({today}).",
        )
    if received_on < earliest:
        raise RuleViolated(
            "F4",
            f"A payment's date lies between {earliest} (the first invoicing year) and today: "
            f"{received_on} is before it. Check the date of receipt.",
            earliest=earliest.isoformat(),
        )


_CHEQUE_LABELS = ("REM CHQ", "REMISE CHQ", "REMISE CHEQUE", "REMISE DE CHEQUE", "CHQ ", "CHEQUE ")
_CARD_LABELS = ("CB ", "CARTE ", "REMISE CB", "REMISE CARTE", "TPE ")


def method_of_label(label: str) -> Method:
    """F4: how a payment on a bank statement was made, as its label tells (a cheque remittance,
    a card settlement), a transfer otherwise. ``label`` is upper case without accents."""
    text = " ".join(label.split()) + " "
    if text.startswith(_CHEQUE_LABELS):
        return "cheque"
    if text.startswith(_CARD_LABELS):
        return "card"
    return "transfer"


@dataclass(frozen=True)
class OpenInvoice:
    invoice_id: object
    number: str
    outstanding: Decimal


@dataclass(frozen=True)
class Allocation:
    invoice_id: object
    amount: Decimal


def allocate_by_reference(amount: Decimal, invoices: list[OpenInvoice]) -> list[Allocation]:
    """Spread a payment over the invoices its reference names, in the order named.

    Each invoice takes what it still owes; the last one named takes whatever is left, so an
    overpayment is kept on an invoice of that customer (F4), never dropped. No invoice named:
    nothing is allocated and the payment waits in the unmatched queue.
    """
    if not invoices:
        return []
    left = money(amount)
    allocations: list[Allocation] = []
    for index, invoice in enumerate(invoices):
        last = index == len(invoices) - 1
        share = left if last else min(left, max(invoice.outstanding, ZERO))
        if share > ZERO:
            allocations.append(Allocation(invoice.invoice_id, share))
            left = money(left - share)
        if left <= ZERO:
            break
    return allocations


def check_manual_allocation(requested: Decimal | None, unallocated: Decimal) -> Decimal:
    """F4: allocating by hand takes at most what is still unallocated on the payment."""
    if unallocated <= ZERO:
        raise Conflict("This payment is allocated in full already.", rule="F4")
    if requested is not None and not is_cents(requested):
        raise RuleViolated("F4", "An allocation is an amount in euros and cents (two decimals).")
    amount = unallocated if requested is None else money(requested)
    if amount <= ZERO:
        raise RuleViolated("F4", "An allocation is a positive amount.")
    if amount > unallocated:
        raise Conflict(
            f"Only {unallocated} € of this payment is left to allocate.",
            rule="F4",
            unallocated=str(unallocated),
        )
    return amount
