"""F2: a correction or cancellation is a credit note (avoir), never a change to the invoice."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from billing.domain.invoices import Balance, BillingRuleError
from billing.domain.money import ZERO, is_cents, money


@dataclass(frozen=True)
class CreditDecision:
    amount: Decimal
    #: Nothing is left of the invoice once this credit note is issued.
    cancels_invoice: bool


def decide_credit(balance: Balance, requested: Decimal | None, reason: str) -> CreditDecision:
    """A credit note of ``requested`` euros (the whole remainder when None) on an invoice."""
    if not reason.strip():
        raise BillingRuleError("F2", "a credit note gives its reason")
    creditable = money(balance.total - balance.credited)
    if creditable <= ZERO:
        raise BillingRuleError("F2", "this invoice is already cancelled in full", conflict=True)
    if requested is not None and not is_cents(requested):
        raise BillingRuleError("F2", "a credit note is an amount in cents")
    amount = creditable if requested is None else money(requested)
    if amount <= ZERO:
        raise BillingRuleError("F2", "a credit note is for a positive amount")
    if amount > creditable:
        raise BillingRuleError(
            "F2", f"a credit note cannot exceed what is left of the invoice ({creditable})"
        )
    return CreditDecision(amount=amount, cancels_invoice=amount == creditable)
