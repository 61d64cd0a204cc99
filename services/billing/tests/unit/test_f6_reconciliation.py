"""F6: the reconciliation report adds up, and it finds every mismatch with membership."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from billing.domain.reconciliation import (
    CreditNoteFacts,
    InvoiceFacts,
    MembershipFacts,
    PaymentFacts,
    find_mismatches,
    reconcile,
)

D = Decimal
NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
DELAY = timedelta(hours=24)


def invoice(
    number: str,
    *,
    siren: str = "111111111",
    kind: str = "membership_new",
    total: str = "100",
    credited: str = "0",
    paid: str = "0",
    membership_id: uuid.UUID | None = None,
    paid_at: datetime | None = None,
    due_on: date = date(2025, 4, 1),
) -> InvoiceFacts:
    return InvoiceFacts(
        invoice_id=uuid.uuid4(),
        number=number,
        kind=kind,
        siren=siren,
        year=2025,
        membership_id=membership_id,
        issued_on=date(2025, 3, 2),
        due_on=due_on,
        total=D(total),
        credited=D(credited),
        paid=D(paid),
        paid_at=paid_at,
    )


def membership(
    mid: uuid.UUID, siren: str = "111111111", plan: str = "simple", active: bool = True
) -> MembershipFacts:
    return MembershipFacts(
        mid, siren, 2025, plan, NOW - timedelta(days=3) if active else None, None
    )


def test_f6_totals_add_up_and_statuses_are_counted() -> None:
    invoices = [
        invoice("FA-2025-00001", paid="100"),
        invoice("FA-2025-00002", paid="40"),
        invoice("FA-2025-00003"),
        invoice("FA-2025-00004", credited="100"),
        invoice("FA-2025-00005", paid="120", due_on=date(2025, 12, 1)),
        invoice("FA-2025-00006", due_on=date(2025, 12, 1)),
    ]
    payments = [
        PaymentFacts(uuid.uuid4(), date(2025, 3, 5), D("100"), D("100"), "R1"),
        PaymentFacts(uuid.uuid4(), date(2025, 3, 6), D("30"), D("0"), "R2"),
        PaymentFacts(uuid.uuid4(), date(2025, 3, 7), D("60"), D("40"), "R3"),
    ]
    notes = [CreditNoteFacts("AV-2025-00001", "FA-2025-00004", date(2025, 3, 9), D("100"))]
    report = reconcile(
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        as_of=date(2025, 6, 1),
        invoices=invoices,
        payments=payments,
        credit_notes=notes,
        mismatches=[],
    )
    counts = {k: v.count for k, v in report.invoices.items()}
    assert counts == {"paid": 2, "overdue": 2, "cancelled": 1, "unpaid": 1, "partly_paid": 0}
    assert report.totals["issued"] == D("600.00")
    assert report.totals["paid"] == D("260.00")
    assert report.totals["outstanding"] == D("260.00")
    assert report.totals["overpaid"] == D("20.00")
    assert report.totals["credited"] == D("100.00")
    assert report.totals["received"] == D("190.00")
    assert report.totals["unallocated"] == D("50.00")
    assert report.payments["unmatched"].count == 1
    assert report.payments["partly_matched"].count == 1
    assert len(report.unmatched_payments) == 2
    assert report.totals["credit_notes"] == D("100.00")
    assert report.consistent


def test_f6_active_membership_without_paid_dues_invoice() -> None:
    mid = uuid.uuid4()
    found = find_mismatches(
        [membership(mid)],
        [invoice("FA-2025-00001", membership_id=mid)],
        now=NOW,
        activation_delay=DELAY,
    )
    assert [m.kind for m in found] == ["active_without_paid_dues"]
    ok = find_mismatches(
        [membership(mid)],
        [invoice("FA-2025-00001", membership_id=mid, paid="100", paid_at=NOW - DELAY)],
        now=NOW,
        activation_delay=DELAY,
    )
    assert ok == []


def test_f6_paid_dues_invoice_without_activation_after_the_delay() -> None:
    mid = uuid.uuid4()
    paid_recently = invoice(
        "FA-2025-00001", membership_id=mid, paid="100", paid_at=NOW - timedelta(hours=1)
    )
    assert find_mismatches([], [paid_recently], now=NOW, activation_delay=DELAY) == []
    paid_long_ago = invoice(
        "FA-2025-00001", membership_id=mid, paid="100", paid_at=NOW - timedelta(days=2)
    )
    [mismatch] = find_mismatches([], [paid_long_ago], now=NOW, activation_delay=DELAY)
    assert mismatch.kind == "paid_without_activation"
    assert mismatch.invoice_numbers == ("FA-2025-00001",)


def test_f6_paid_upgrade_without_premium_membership() -> None:
    mid = uuid.uuid4()
    dues = invoice("FA-2025-00001", membership_id=mid, paid="100", paid_at=NOW - timedelta(days=9))
    up = invoice(
        "FA-2025-00002",
        kind="plan_upgrade",
        total="50",
        paid="50",
        membership_id=mid,
        paid_at=NOW - timedelta(days=2),
    )
    [mismatch] = find_mismatches([membership(mid)], [dues, up], now=NOW, activation_delay=DELAY)
    assert mismatch.kind == "paid_without_activation"
    assert (
        find_mismatches(
            [membership(mid, plan="premium")], [dues, up], now=NOW, activation_delay=DELAY
        )
        == []
    )


def test_f6_dues_invoiced_twice_unless_one_is_cancelled() -> None:
    first = invoice("FA-2025-00001")
    second = invoice("FA-2025-00007", kind="membership_renewal")
    [mismatch] = find_mismatches([], [first, second], now=NOW, activation_delay=DELAY)
    assert mismatch.kind == "dues_invoiced_twice"
    assert mismatch.invoice_numbers == ("FA-2025-00001", "FA-2025-00007")
    cancelled = invoice("FA-2025-00007", kind="membership_renewal", credited="100")
    assert find_mismatches([], [first, cancelled], now=NOW, activation_delay=DELAY) == []
