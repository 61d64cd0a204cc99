"""F6: the finance team's reconciliation of a period, and the mismatches with membership."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from billing.domain.invoices import YEARLY_DUES_KINDS, Balance, Status
from billing.domain.money import ZERO, money


@dataclass(frozen=True)
class InvoiceFacts:
    invoice_id: UUID
    number: str
    kind: str
    siren: str
    year: int
    membership_id: UUID | None
    issued_on: date
    due_on: date
    total: Decimal
    credited: Decimal
    paid: Decimal
    paid_at: datetime | None = None
    overdue_marked: bool = False
    #: The membership, upgrade or booking invoiced.
    subject_id: UUID | None = None

    @property
    def balance(self) -> Balance:
        return Balance(self.total, self.credited, self.paid)


@dataclass(frozen=True)
class PaymentFacts:
    payment_id: UUID
    received_on: date
    amount: Decimal
    allocated: Decimal
    bank_reference: str

    @property
    def unallocated(self) -> Decimal:
        return money(self.amount - self.allocated)


@dataclass(frozen=True)
class CreditNoteFacts:
    number: str
    invoice_number: str
    issued_on: date
    amount: Decimal


@dataclass(frozen=True)
class MembershipFacts:
    """Billing's projection of a membership, from ``MembershipActivated`` / ``MembershipLapsed``."""

    membership_id: UUID
    siren: str
    year: int
    plan: str
    activated_at: datetime | None
    lapsed_on: date | None

    @property
    def active(self) -> bool:
        return self.activated_at is not None and self.lapsed_on is None


@dataclass(frozen=True)
class Mismatch:
    kind: str
    siren: str
    year: int
    detail: str
    membership_id: UUID | None = None
    invoice_numbers: tuple[str, ...] = ()


@dataclass
class Bucket:
    count: int = 0
    amount: Decimal = ZERO

    def add(self, amount: Decimal) -> None:
        self.count += 1
        self.amount = money(self.amount + amount)


@dataclass
class Report:
    period_start: date
    period_end: date
    as_of: date
    invoices: dict[str, Bucket] = field(default_factory=dict)
    invoice_rows: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=dict)
    payments: dict[str, Bucket] = field(default_factory=dict)
    unmatched_payments: list[PaymentFacts] = field(default_factory=list)
    credit_notes: list[CreditNoteFacts] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    consistent: bool = True
    #: F6: where each overdue invoice of the period stands: its last reminder, if any.
    overdue: list[dict[str, Any]] = field(default_factory=list)
    #: F8: public bodies' documents of the period waiting for a Chorus Pro reference.
    documents_waiting: list[dict[str, Any]] = field(default_factory=list)


def find_mismatches(
    memberships: list[MembershipFacts],
    dues_invoices: list[InvoiceFacts],
    *,
    now: datetime,
    activation_delay: timedelta,
) -> list[Mismatch]:
    """F6: where billing and membership (as billing knows it from events) disagree.

    - an active membership without a paid dues invoice for its year;
    - a paid dues invoice whose membership was not activated within ``activation_delay``
      (for an upgrade: the membership is not premium);
    - the dues of one structure and year invoiced twice (neither cancelled by a credit note).
    """
    found: list[Mismatch] = []
    by_membership: dict[UUID, MembershipFacts] = {m.membership_id: m for m in memberships}
    paid_dues: dict[UUID, list[InvoiceFacts]] = defaultdict(list)
    paid_by_key: dict[tuple[str, int], list[InvoiceFacts]] = defaultdict(list)
    for inv in dues_invoices:
        if inv.kind in YEARLY_DUES_KINDS and inv.balance.settled:
            if inv.membership_id is not None:
                paid_dues[inv.membership_id].append(inv)
            paid_by_key[(inv.siren, inv.year)].append(inv)

    for m in sorted(memberships, key=lambda m: (m.year, m.siren)):
        if (
            m.active
            and not paid_dues.get(m.membership_id)
            and not paid_by_key.get((m.siren, m.year))
        ):
            found.append(
                Mismatch(
                    "active_without_paid_dues",
                    m.siren,
                    m.year,
                    f"membership {m.membership_id} is active for {m.year} "
                    "but no dues invoice of that year is paid",
                    membership_id=m.membership_id,
                )
            )

    for inv in sorted(dues_invoices, key=lambda i: i.number):
        if not inv.balance.settled or inv.paid_at is None:
            continue
        if inv.paid_at + activation_delay > now:
            continue
        membership = by_membership.get(inv.membership_id) if inv.membership_id else None
        if inv.kind == "plan_upgrade":
            ok = membership is not None and membership.plan == "premium"
            what = "upgraded to premium"
        else:
            ok = membership is not None and membership.activated_at is not None
            what = "activated"
        if not ok:
            found.append(
                Mismatch(
                    "paid_without_activation",
                    inv.siren,
                    inv.year,
                    f"invoice {inv.number} was paid on {inv.paid_at:%Y-%m-%d} but membership "
                    f"{inv.membership_id} is not {what}",
                    membership_id=inv.membership_id,
                    invoice_numbers=(inv.number,),
                )
            )

    live: dict[tuple[str, int], list[InvoiceFacts]] = defaultdict(list)
    for inv in dues_invoices:
        if inv.kind in YEARLY_DUES_KINDS and not inv.balance.cancelled:
            live[(inv.siren, inv.year)].append(inv)
    for (siren, year), invoices in sorted(live.items()):
        if len(invoices) > 1:
            numbers = tuple(sorted(i.number for i in invoices))
            found.append(
                Mismatch(
                    "dues_invoiced_twice",
                    siren,
                    year,
                    f"the {year} dues of {siren} are invoiced {len(invoices)} times: "
                    + ", ".join(numbers),
                    invoice_numbers=numbers,
                )
            )
    return found


def reconcile(
    *,
    period_start: date,
    period_end: date,
    as_of: date,
    invoices: list[InvoiceFacts],
    payments: list[PaymentFacts],
    credit_notes: list[CreditNoteFacts],
    mismatches: list[Mismatch],
) -> Report:
    """The report of a period: invoices issued in it by status, payments received in it,
    credit notes issued in it, totals that add up, and the mismatches."""
    report = Report(period_start, period_end, as_of)
    report.invoices = {s.value: Bucket() for s in Status}
    issued = credited = paid = outstanding = overpaid = ZERO
    for inv in sorted(invoices, key=lambda i: i.number):
        balance = inv.balance
        status = balance.status(inv.due_on, as_of, marked_overdue=inv.overdue_marked)
        report.invoices[status.value].add(inv.total)
        issued += inv.total
        credited += inv.credited
        paid += inv.paid
        outstanding += balance.outstanding
        overpaid += balance.overpaid
        report.invoice_rows.append(
            {
                "number": inv.number,
                "siren": inv.siren,
                "kind": inv.kind,
                "year": inv.year,
                "issued_on": inv.issued_on,
                "due_on": inv.due_on,
                "total": inv.total,
                "credited": inv.credited,
                "paid": inv.paid,
                "outstanding": balance.outstanding,
                "status": status.value,
            }
        )
    report.totals = {
        "issued": money(issued),
        "credited": money(credited),
        "paid": money(paid),
        "outstanding": money(outstanding),
        "overpaid": money(overpaid),
    }
    report.payments = {"matched": Bucket(), "partly_matched": Bucket(), "unmatched": Bucket()}
    received = allocated = unallocated = ZERO
    for p in sorted(payments, key=lambda p: (p.received_on, p.bank_reference)):
        if p.allocated <= ZERO:
            report.payments["unmatched"].add(p.amount)
            report.unmatched_payments.append(p)
        elif p.unallocated > ZERO:
            report.payments["partly_matched"].add(p.amount)
            report.unmatched_payments.append(p)
        else:
            report.payments["matched"].add(p.amount)
        received += p.amount
        allocated += p.allocated
        unallocated += p.unallocated
    report.totals.update(
        {
            "received": money(received),
            "allocated": money(allocated),
            "unallocated": money(unallocated),
        }
    )
    report.credit_notes = sorted(credit_notes, key=lambda c: c.number)
    report.totals["credit_notes"] = money(sum((c.amount for c in credit_notes), ZERO))
    report.mismatches = mismatches
    t = report.totals
    report.consistent = (
        t["issued"] == money(t["credited"] + t["paid"] + t["outstanding"] - t["overpaid"])
        and t["received"] == money(t["allocated"] + t["unallocated"])
        and sum((b.amount for b in report.invoices.values()), ZERO) == t["issued"]
    )
    return report
