"""F1, F2, F4, F5 use cases on an in-memory unit of work: what they publish, and at which
version of which aggregate."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import pytest
from billing_factories import approved, delivery_of, envelope_of
from billing_fakes import FakeBillingUnitOfWork

from billing.consumers import on_membership_approved
from billing.use_cases.invoices import issue_credit_note
from billing.use_cases.overdue import mark_overdue_batch
from billing.use_cases.payments import PaymentInput, allocate_payment, record_payment
from shared.clock import FixedClock
from shared.contracts import (
    CreditNoteIssued,
    Envelope,
    InvoiceIssued,
    InvoiceOverdue,
    InvoicePaid,
    PaymentRecorded,
)
from shared.errors import Conflict, NotFound, RuleViolated

TODAY = date(2026, 3, 10)


@pytest.fixture
def uow() -> FakeBillingUnitOfWork:
    return FakeBillingUnitOfWork(FixedClock(datetime(2026, 3, 10, 9, tzinfo=UTC)))


async def issued(uow: FakeBillingUnitOfWork, amount: str = "100.00") -> Envelope:
    """The dues invoice of a new membership, issued as the consumer issues it."""
    event = approved(year=2026, amount=amount)
    async with uow:
        await on_membership_approved([delivery_of(event)], uow)
        await uow.commit()
    return uow.events(InvoiceIssued)[-1]


async def pay(uow: FakeBillingUnitOfWork, amount: str, reference: str, bank_reference: str) -> None:
    async with uow:
        await record_payment(
            uow,
            PaymentInput(
                method="transfer",
                amount=Decimal(amount),
                received_on=TODAY,
                payer_reference=reference,
                bank_reference=bank_reference,
            ),
            source="manual",
            by="finance",
        )
        await uow.commit()


async def test_f1_f5_invoice_issued_then_paid_publishes_invoice_paid_at_the_invoice_version(
    uow: FakeBillingUnitOfWork,
) -> None:
    invoice = await issued(uow)
    assert invoice.payload["number"] == "FA-2026-00001"
    assert invoice.payload["total"] == "100.00"
    assert invoice.payload["due_on"] == "2026-04-09"
    assert invoice.aggregate_version == 1

    await pay(uow, "100.00", f"VIR Cotisation {invoice.payload['number']}", "VIR-1")

    [paid] = uow.events(InvoicePaid)
    assert paid.aggregate_id == invoice.aggregate_id
    # issued (1), the payment allocated (2), the paid mark (3): the invoice's version now
    assert paid.aggregate_version == 3
    assert paid.aggregate_version == uow.invoice_version(UUID(invoice.payload["invoice_id"]))
    assert paid.payload["paid_on"] == TODAY.isoformat()
    [recorded] = uow.events(PaymentRecorded)
    assert recorded.aggregate_id == str(recorded.payload["payment_id"])
    assert recorded.aggregate_version == 2, "recorded (1), then allocated to the invoice (2)"
    assert recorded.payload["invoice_id"] == invoice.payload["invoice_id"]


async def test_f1_a_second_delivery_issues_nothing(uow: FakeBillingUnitOfWork) -> None:
    event = approved(year=2026)
    for _ in range(2):
        async with uow:
            await on_membership_approved([delivery_of(event)], uow)
            await uow.commit()
    assert len(uow.events(InvoiceIssued)) == 1
    assert len(uow.books.invoices) == 1


async def test_f4_f5_a_partial_payment_does_not_pay_the_rest_does(
    uow: FakeBillingUnitOfWork,
) -> None:
    invoice = await issued(uow, "150.00")
    number = invoice.payload["number"]
    await pay(uow, "40.00", number, "VIR-40")
    assert uow.events(InvoicePaid) == []
    assert uow.paid_total(UUID(invoice.payload["invoice_id"])) == Decimal("40.00")
    assert uow.invoice_version(UUID(invoice.payload["invoice_id"])) == 2

    await pay(uow, "110.00", number, "VIR-110")
    [paid] = uow.events(InvoicePaid)
    assert paid.aggregate_version == 4, "issued, two allocations, then the paid mark"
    assert paid.payload["total"] == "150.00"


async def test_f2_a_credit_note_is_about_the_invoice_and_an_invoice_paid_it_causes_comes_after(
    uow: FakeBillingUnitOfWork,
) -> None:
    invoice = await issued(uow)
    invoice_id = UUID(invoice.payload["invoice_id"])
    await pay(uow, "60.00", invoice.payload["number"], "VIR-60")
    async with uow:
        note = await issue_credit_note(
            uow, invoice_id, amount=Decimal("40.00"), reason="Geste commercial", by="finance"
        )
        await uow.commit()
    assert note.number == "AV-2026-00001"
    [credited] = uow.events(CreditNoteIssued)
    assert credited.aggregate_id == str(invoice_id)
    assert credited.payload["credit_note_id"] == str(note.id)
    assert credited.payload["cancels_invoice"] is False
    [paid] = uow.events(InvoicePaid)
    # the credit (3) leaves 60 owed, which the payment covers: paid (4), a newer version
    assert (credited.aggregate_version, paid.aggregate_version) == (3, 4)


async def test_f2_a_full_credit_note_cancels_the_invoice_and_frees_its_business_key(
    uow: FakeBillingUnitOfWork,
) -> None:
    invoice = await issued(uow)
    async with uow:
        await issue_credit_note(
            uow, UUID(invoice.payload["invoice_id"]), amount=None, reason="Retrait", by="finance"
        )
        await uow.commit()
    [credited] = uow.events(CreditNoteIssued)
    assert credited.payload["cancels_invoice"] is True
    assert credited.payload["amount"] == "100.00"
    assert credited.aggregate_version == 2
    assert uow.books.dues_keys == {}
    assert uow.events(InvoicePaid) == []
    async with uow:
        with pytest.raises(Conflict) as error:
            await issue_credit_note(
                uow, UUID(invoice.payload["invoice_id"]), amount=None, reason="encore", by="finance"
            )
    assert error.value.rule == "F2"


async def test_f4_a_refused_payment_publishes_nothing(uow: FakeBillingUnitOfWork) -> None:
    await issued(uow)
    before = len(uow.published)
    async with uow:
        with pytest.raises(RuleViolated) as error:
            await record_payment(
                uow,
                PaymentInput(
                    method="transfer",
                    amount=Decimal("10.00"),
                    received_on=date(2026, 3, 11),
                    payer_reference="",
                    bank_reference="VIR-TOMORROW",
                ),
                source="manual",
                by="finance",
            )
    assert error.value.rule == "F4"
    assert "future" in error.value.detail
    assert len(uow.published) == before


async def test_f4_an_allocation_by_hand_to_an_unknown_invoice_is_not_found(
    uow: FakeBillingUnitOfWork,
) -> None:
    await pay(uow, "10.00", "DON", "CHQ-1")
    [recorded] = uow.events(PaymentRecorded)
    async with uow:
        with pytest.raises(NotFound):
            await allocate_payment(
                uow,
                UUID(recorded.payload["payment_id"]),
                "FA-2026-99999",
                amount=None,
                by="finance",
            )


async def test_f4_overdue_is_marked_once_at_the_invoice_version(
    uow: FakeBillingUnitOfWork,
) -> None:
    invoice = await issued(uow)
    async with uow:
        assert await mark_overdue_batch(uow, date(2026, 4, 9)) == 0, "due that day: not yet"
        assert await mark_overdue_batch(uow, date(2026, 4, 10)) == 1
        assert await mark_overdue_batch(uow, date(2026, 4, 11)) == 0
        await uow.commit()
    [overdue] = uow.events(InvoiceOverdue)
    assert overdue.aggregate_id == invoice.aggregate_id
    assert overdue.aggregate_version == 2
    assert overdue.payload["amount_due"] == "100.00"


async def test_b3_auditorium_dates_are_invoiced_once_and_credited_once_on_fakes(
    uow: FakeBillingUnitOfWork,
) -> None:
    from billing_factories import auditorium_booked, booking_cancelled

    from billing.consumers import on_auditorium_booked, on_booking_cancelled

    await issued(uow)
    siren = next(iter(uow.books.customers))
    booked = auditorium_booked(siren, date(2026, 4, 1))
    cancelled = booking_cancelled(booked, datetime(2026, 3, 20, tzinfo=UTC))
    for event in (booked, booked, cancelled, cancelled):  # each delivered twice
        async with uow:
            handler = on_auditorium_booked if event is booked else on_booking_cancelled
            await handler(event, envelope_of(event), uow)  # type: ignore[operator]
            await uow.commit()
    rented = [i for i in uow.books.invoices.values() if i.kind == "auditorium"]
    assert [(i.subject_id, i.total) for i in rented] == [(booked.booking_id, Decimal("250.00"))]
    assert [n.amount for n in uow.books.credit_notes] == [Decimal("250.00")]
    assert len(uow.events(CreditNoteIssued)) == 1


async def test_b3_a_date_of_an_unknown_structure_waits_for_its_membership_on_fakes(
    uow: FakeBillingUnitOfWork,
) -> None:
    from billing_factories import auditorium_booked

    from billing.consumers import on_auditorium_booked

    event = approved(year=2026)
    booked = auditorium_booked(event.siren, date(2026, 5, 4))
    async with uow:
        await on_auditorium_booked(booked, envelope_of(booked), uow)
        await uow.commit()
    assert uow.events(InvoiceIssued) == []
    async with uow:
        await on_membership_approved([delivery_of(event)], uow)
        await uow.commit()
    kinds = sorted(e.payload["kind"] for e in uow.events(InvoiceIssued))
    assert kinds == ["auditorium", "membership_new"]
