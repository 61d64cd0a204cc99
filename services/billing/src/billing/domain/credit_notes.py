"""F2: a correction or cancellation is a credit note (avoir), never a change to the invoice."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from billing.domain.invoices import Balance
from billing.domain.money import ZERO, is_cents, money
from shared.errors import Conflict, RuleViolated


@dataclass(frozen=True)
class CreditDecision:
    amount: Decimal
    #: Nothing is left of the invoice once this credit note is issued.
    cancels_invoice: bool


def decide_credit(balance: Balance, requested: Decimal | None, reason: str) -> CreditDecision:
    """A credit note of ``requested`` euros (the whole remainder when None) on an invoice."""
    if not reason.strip():
        raise RuleViolated("F2", "A credit note must give its reason.")
    creditable = money(balance.total - balance.credited)
    if creditable <= ZERO:
        raise Conflict(
            "This invoice is already cancelled in full by credit notes: nothing is left to credit.",
            rule="F2",
        )
    if requested is not None and not is_cents(requested):
        raise RuleViolated("F2", "A credit note is an amount in euros and cents (two decimals).")
    amount = creditable if requested is None else money(requested)
    if amount <= ZERO:
        raise RuleViolated("F2", "A credit note is for a positive amount.")
    if amount > creditable:
        raise RuleViolated(
            "F2",
            f"A credit note cannot exceed what is left of the invoice ({creditable} €).",
            creditable=str(creditable),
        )
    return CreditDecision(amount=amount, cancels_invoice=amount == creditable)
