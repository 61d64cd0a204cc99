"""B3, F1, F6: auditorium dates billed per date, credited when cancelled before their day."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from billing.domain.auditorium import (
    AuditoriumFacts,
    auditorium_line,
    cancelled_before_its_day,
    find_auditorium_mismatches,
)
from billing.domain.reconciliation import InvoiceFacts

D = Decimal
DAY = date(2025, 6, 12)
ROOM = uuid.uuid4()


@pytest.mark.parametrize(
    ("cancelled_at", "before"),
    [
        (datetime(2025, 6, 11, 21, 59, tzinfo=UTC), True),  # 23:59 in Pessac, the day before
        (datetime(2025, 6, 11, 22, 0, tzinfo=UTC), False),  # midnight in Pessac: its day
        (datetime(2025, 6, 12, 8, 0, tzinfo=UTC), False),
        (datetime(2025, 6, 1, 8, 0, tzinfo=UTC), True),
    ],
)
def test_b3_a_date_cancelled_before_its_day_in_pessac(cancelled_at: datetime, before: bool) -> None:
    assert cancelled_before_its_day(cancelled_at, DAY) is before


def test_b3_one_line_per_date_at_the_price_booking_gave() -> None:
    line = auditorium_line("Auditorium", DAY, time(9), time(12, 30), D("250"))
    assert (line.quantity, line.unit_price, line.amount) == (1, D("250.00"), D("250.00"))
    assert "12/06/2025" in line.description
    assert "09h00" in line.description
    assert "12h30" in line.description


def booked(
    amount: str | None = "250.00", cancelled: datetime | None = None, on: date = DAY
) -> AuditoriumFacts:
    return AuditoriumFacts(
        uuid.uuid4(), "123456782", ROOM, on, D(amount) if amount else None, cancelled
    )


def invoice_of(date_: AuditoriumFacts, number: str, credited: str = "0") -> InvoiceFacts:
    return InvoiceFacts(
        invoice_id=uuid.uuid4(),
        number=number,
        kind="auditorium",
        siren=date_.siren,
        year=date_.booked_on.year,
        membership_id=None,
        issued_on=date(2025, 1, 5),
        due_on=date(2025, 2, 4),
        total=D("250.00"),
        credited=D(credited),
        paid=D("0"),
        subject_id=date_.booking_id,
    )


def test_f6_each_date_invoiced_once_and_credited_when_cancelled_in_time_is_consistent() -> None:
    kept = booked()
    cancelled = booked(cancelled=datetime(2025, 6, 1, tzinfo=UTC))
    never = booked(None, cancelled=datetime(2025, 6, 1, tzinfo=UTC))  # cancellation known first
    # cancelled on its day: still due
    late = booked(cancelled=datetime(2025, 6, 19, 10, tzinfo=UTC), on=date(2025, 6, 19))
    invoices = [
        invoice_of(kept, "FA-2025-00001"),
        invoice_of(cancelled, "FA-2025-00002", credited="250.00"),
        invoice_of(late, "FA-2025-00003"),
    ]
    assert find_auditorium_mismatches([kept, cancelled, never, late], invoices) == []


def test_f6_a_date_invoiced_not_at_all_twice_or_not_credited_is_a_mismatch() -> None:
    missing = booked()
    uncredited = booked(cancelled=datetime(2025, 6, 1, tzinfo=UTC))
    first = booked()
    second = booked()  # the same date of the same room, booked and invoiced twice
    orphan = booked()
    invoices = [
        invoice_of(uncredited, "FA-2025-00010"),
        invoice_of(first, "FA-2025-00011"),
        invoice_of(second, "FA-2025-00012"),
        invoice_of(orphan, "FA-2025-00013"),
    ]
    found = find_auditorium_mismatches([missing, uncredited, first, second], invoices)
    kinds = sorted(m.kind for m in found)
    assert kinds == [
        "auditorium_cancelled_not_credited",
        "auditorium_invoice_without_booking",
        "auditorium_invoiced_twice",
        "auditorium_not_invoiced",
    ]
    [twice] = [m for m in found if m.kind == "auditorium_invoiced_twice"]
    assert twice.invoice_numbers == ("FA-2025-00011", "FA-2025-00012")
