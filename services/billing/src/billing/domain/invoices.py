"""F1, F3, F5: what is invoiced, the lines and totals, the due date, and where an invoice stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from billing.domain.money import ZERO, is_cents, money
from shared.errors import RuleViolated

InvoiceKind = Literal["membership_new", "membership_renewal", "plan_upgrade", "auditorium"]
DUES_KINDS: tuple[InvoiceKind, ...] = ("membership_new", "membership_renewal", "plan_upgrade")
#: The kinds that are a year's dues proper (an upgrade is a supplement to them).
YEARLY_DUES_KINDS: tuple[InvoiceKind, ...] = ("membership_new", "membership_renewal")


@dataclass(frozen=True)
class Line:
    description: str
    quantity: int
    unit_price: Decimal

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise RuleViolated("F3", "An invoice line has a quantity of at least 1.")
        if not is_cents(self.unit_price) or self.unit_price < ZERO:
            raise RuleViolated("F3", "A unit price is an amount in euros and cents, zero or more.")
        if not self.description.strip():
            raise RuleViolated("F3", "An invoice line says what is invoiced.")

    @property
    def amount(self) -> Decimal:
        return money(self.unit_price * self.quantity)


def total_of(lines: list[Line]) -> Decimal:
    return money(sum((line.amount for line in lines), ZERO))


_PLAN_LABEL = {"simple": "Simple", "premium": "Premium"}


def dues_line(
    kind: InvoiceKind,
    *,
    year: int,
    amount: Decimal,
    plan: str,
    from_plan: str | None = None,
) -> Line:
    """F1: the one line of a dues invoice (M2, M5, M6, M10), for the main structure."""
    if kind not in DUES_KINDS:
        raise RuleViolated("F1", f"An invoice of kind {kind} is not a dues invoice.")
    if amount <= ZERO:
        raise RuleViolated("F1", "Dues are a positive amount.")
    label = _PLAN_LABEL.get(plan, plan)
    if kind == "membership_new":
        text = f"Cotisation {year} - adhésion {label} (nouvelle adhésion)"
    elif kind == "membership_renewal":
        text = f"Cotisation {year} - adhésion {label} (renouvellement)"
    else:
        before = _PLAN_LABEL.get(from_plan or "simple", from_plan or "simple")
        text = f"Cotisation {year} - passage de l'offre {before} à l'offre {label} (différence)"
    return Line(description=text, quantity=1, unit_price=money(amount))


def due_date(issued_on: date, payment_terms_days: int) -> date:
    """F3: the due date printed on the invoice (30 days after issue by default)."""
    if payment_terms_days < 0:
        raise ValueError("payment terms are not negative")
    return issued_on + timedelta(days=payment_terms_days)


class Status(StrEnum):
    UNPAID = "unpaid"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Balance:
    """Where an invoice stands: its total, what credit notes took off, what was paid."""

    total: Decimal
    credited: Decimal
    paid: Decimal

    @property
    def net(self) -> Decimal:
        """What the customer owes in all after credit notes."""
        return money(self.total - self.credited)

    @property
    def outstanding(self) -> Decimal:
        """Left to pay (never negative)."""
        return max(money(self.net - self.paid), ZERO)

    @property
    def overpaid(self) -> Decimal:
        """Paid beyond what is owed: kept on the customer's account (F4)."""
        return max(money(self.paid - self.net), ZERO)

    @property
    def cancelled(self) -> bool:
        """Credit notes took off the whole invoice (F2)."""
        return self.credited >= self.total

    @property
    def settled(self) -> bool:
        """F5: paid in full (what is owed after credit notes is covered), not cancelled."""
        return not self.cancelled and self.paid >= self.net

    def status(self, due_on: date, today: date, *, marked_overdue: bool = False) -> Status:
        """``marked_overdue``: the overdue run (possibly for a later date) marked it."""
        if self.cancelled:
            return Status.CANCELLED
        if self.settled:
            return Status.PAID
        if is_overdue(due_on, today, self.outstanding) or (
            marked_overdue and self.outstanding > ZERO
        ):
            return Status.OVERDUE
        if self.paid > ZERO:
            return Status.PARTLY_PAID
        return Status.UNPAID


def is_overdue(due_on: date, today: date, outstanding: Decimal) -> bool:
    """An invoice is overdue the day after its due date while something is left to pay."""
    return today > due_on and outstanding > ZERO


def becomes_paid(before: Balance, after: Balance) -> bool:
    """F5: this change is the one that settles the invoice (``InvoicePaid`` goes out once)."""
    return after.settled and not before.settled
