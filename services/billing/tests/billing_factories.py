"""Events and values the billing tests build (a fresh SIREN each time: the database is shared)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from shared.contracts import (
    AuditoriumBooked,
    BookingCancelled,
    CustomerDetails,
    MembershipActivated,
    MembershipApproved,
    MembershipLapsed,
    MembershipRenewalRequested,
    PlanUpgradeRequested,
)


def a_siren() -> str:
    return "".join(random.choice("0123456789") for _ in range(9))


def customer(
    siren: str | None = None, *, public_body: bool = False, **chorus: Any
) -> CustomerDetails:
    """A main structure; ``chorus``: its Chorus Pro fields (``chorus_service_code``...)."""
    siren = siren or a_siren()
    return CustomerDetails(
        siren=siren,
        siret=siren + "00017",
        legal_name=f"Mission locale {siren}",
        address_line="12 rue Sainte-Catherine",
        postal_code="33000",
        city="Bordeaux",
        insee_code="33063",
        public_body=public_body,
        email="compta@example.org",
        **chorus,
    )


def approved(
    siren: str | None = None,
    year: int = 2025,
    amount: str = "100.00",
    plan: str = "simple",
    details: CustomerDetails | None = None,
) -> MembershipApproved:
    details = details or customer(siren)
    return MembershipApproved(
        membership_id=uuid.uuid4(),
        application_id=uuid.uuid4(),
        siren=details.siren,
        year=year,
        plan=plan,  # type: ignore[arg-type]
        amount=Decimal(amount),
        customer=details,
        approved_at=datetime(year, 3, 1, 9, tzinfo=UTC),
    )


def renewal(siren: str, year: int, amount: str = "150.00") -> MembershipRenewalRequested:
    return MembershipRenewalRequested(
        membership_id=uuid.uuid4(),
        application_id=uuid.uuid4(),
        siren=siren,
        year=year,
        plan="premium",
        amount=Decimal(amount),
        customer=customer(siren),
        requested_at=datetime(year - 1, 12, 1, tzinfo=UTC),
    )


def upgrade(siren: str, year: int, membership_id: uuid.UUID) -> PlanUpgradeRequested:
    return PlanUpgradeRequested(
        membership_id=membership_id,
        upgrade_id=uuid.uuid4(),
        siren=siren,
        year=year,
        from_plan="simple",
        to_plan="premium",
        amount=Decimal("50.00"),
        customer=customer(siren),
        requested_at=datetime(year, 6, 1, tzinfo=UTC),
    )


def lapsed(membership_id: uuid.UUID, siren: str, year: int) -> MembershipLapsed:
    return MembershipLapsed(
        membership_id=membership_id,
        siren=siren,
        year=year,
        lapsed_on=date(year + 1, 2, 16),
        reason="renewal_unpaid",
    )


def auditorium_booked(
    siren: str, on: date, amount: str = "250.00", *, resource_id: uuid.UUID | None = None
) -> AuditoriumBooked:
    """B3: one date of the auditorium, as booking publishes it."""
    return AuditoriumBooked(
        booking_id=uuid.uuid4(),
        siren=siren,
        resource_id=resource_id or uuid.UUID("00000000-0000-4000-8000-00000000a0d1"),
        resource_name="Auditorium",
        booked_on=on,
        starts_at=time(9, 0),
        ends_at=time(12, 0),
        amount=Decimal(amount),
        booked_at=datetime(on.year, 1, 5, 9, tzinfo=UTC),
    )


def booking_cancelled(
    booked: AuditoriumBooked, at: datetime, reason: str = "member"
) -> BookingCancelled:
    return BookingCancelled(
        booking_id=booked.booking_id,
        siren=booked.siren,
        resource_id=booked.resource_id,
        resource_name=booked.resource_name,
        booked_on=booked.booked_on,
        starts_at=booked.starts_at,
        ends_at=booked.ends_at,
        resource_kind="auditorium",
        reason=reason,  # type: ignore[arg-type]
        credit_returned=False,
        cancelled_at=at,
    )


def activated(
    membership_id: uuid.UUID, siren: str, year: int, plan: str = "simple"
) -> MembershipActivated:
    return MembershipActivated(
        membership_id=membership_id,
        siren=siren,
        year=year,
        plan=plan,  # type: ignore[arg-type]
        valid_from=date(year, 1, 1),
        valid_until=date(year, 12, 31),
        activated_at=datetime(year, 3, 5, tzinfo=UTC),
    )


# -- helpers on the real servers ---------------------------------------------------------------

import sqlalchemy as sa  # noqa: E402

from billing.consumers import (  # noqa: E402
    on_auditorium_booked,
    on_booking_cancelled,
    on_membership_activated,
    on_membership_approved,
    on_membership_lapsed,
    on_membership_renewal_requested,
    on_plan_upgrade_requested,
)
from billing.repositories.records import InvoiceFilter, InvoiceRecord  # noqa: E402
from billing.service import BillingRuntime  # noqa: E402
from shared.contracts import Envelope, Event  # noqa: E402
from shared.messaging.batches import Delivery  # noqa: E402
from shared.messaging.outbox import AggregateRef, build_envelope  # noqa: E402


def delivery_of(event: Event) -> Delivery[Any]:
    return Delivery(event, envelope_of(event))


def one_by_one(batch: Any) -> Any:
    """A batch handler applying one delivery, as the kit's fallback does."""

    async def one(event: Event, envelope: Envelope, uow: Any) -> None:
        await batch([Delivery(event, envelope)], uow)

    return one


HANDLERS: dict[type[Event], Any] = {
    MembershipApproved: one_by_one(on_membership_approved),
    MembershipRenewalRequested: one_by_one(on_membership_renewal_requested),
    PlanUpgradeRequested: one_by_one(on_plan_upgrade_requested),
    MembershipActivated: on_membership_activated,
    MembershipLapsed: on_membership_lapsed,
    AuditoriumBooked: on_auditorium_booked,
    BookingCancelled: on_booking_cancelled,
}


def envelope_of(event: Event) -> Envelope:
    aggregate = getattr(event, "membership_id", None) or getattr(event, "booking_id", "")
    return build_envelope(event, aggregate=AggregateRef(str(aggregate), None))


async def deliver(billing: BillingRuntime, event: Event) -> None:
    """What the consumer does with one delivery, without the broker (nor its inbox)."""
    async with billing.transaction() as uow:
        await HANDLERS[type(event)](event, envelope_of(event), uow)


async def deliver_together(billing: BillingRuntime, events: list[Event]) -> None:
    """What the consumer does with a batch of deliveries of one queue (without the broker)."""
    async with billing.transaction() as uow:
        await BATCHES[type(events[0])]([delivery_of(e) for e in events], uow)


BATCHES: dict[type[Event], Any] = {
    MembershipApproved: on_membership_approved,
    MembershipRenewalRequested: on_membership_renewal_requested,
    PlanUpgradeRequested: on_plan_upgrade_requested,
}


async def invoices_of(billing: BillingRuntime, siren: str) -> list[InvoiceRecord]:
    async with billing.uow() as uow:
        return await uow.invoices.list_invoices(InvoiceFilter(siren=siren))


async def the_invoice(billing: BillingRuntime, siren: str) -> InvoiceRecord:
    [invoice] = await invoices_of(billing, siren)
    return invoice


async def outbox_events(billing: BillingRuntime, event_type: str, key: str, value: str) -> int:
    async with billing.uow() as uow:
        result = await uow.connection.execute(
            sa.text(
                "SELECT count(*) FROM outbox WHERE event_type = :t AND payload->'payload'->>:k = :v"
            ),
            {"t": event_type, "k": key, "v": value},
        )
        return int(result.scalar_one())


async def outbox_envelopes(
    billing: BillingRuntime, event_type: str, key: str, value: str
) -> list[Envelope]:
    """The envelopes of ``event_type`` in the outbox whose payload has ``key`` = ``value``, in
    the order they were written."""
    async with billing.uow() as uow:
        result = await uow.connection.execute(
            sa.text(
                "SELECT payload::text FROM outbox WHERE event_type = :t"
                " AND payload->'payload'->>:k = :v ORDER BY created_at, id"
            ),
            {"t": event_type, "k": key, "v": value},
        )
        return [Envelope.model_validate_json(row[0]) for row in result]


# -- bank statements ---------------------------------------------------------------------------

from dataclasses import dataclass  # noqa: E402


def _cfonb_amount(amount: Decimal) -> str:
    """14 positions, the last digit carrying the sign (``{``/``A``-``I`` +, ``}``/``J``-``R`` -)."""
    cents = int(abs(amount) * 100)
    digits = f"{cents:014d}"
    last = int(digits[-1])
    if amount >= 0:
        sign = "{" if last == 0 else chr(ord("A") + last - 1)
    else:
        sign = "}" if last == 0 else chr(ord("J") + last - 1)
    return digits[:-1] + sign


def _cfonb_record(code: str, zones: dict[int, str]) -> str:
    record = [" "] * 120
    record[0:2] = code
    for start, text in zones.items():
        record[start - 1 : start - 1 + len(text)] = text
    return "".join(record)


@dataclass(frozen=True)
class Movement:
    on: date
    amount: Decimal
    label: str
    #: Remittance text in ``05 LIB`` complement records (each at most 70 characters).
    complements: tuple[str, ...] = ()
    payer: str | None = None


def cfonb_statement(
    movements: list[Movement], *, account: str = "00012345678", opening: str = "1000.00"
) -> bytes:
    """A CFONB 120 statement of one account: old balance, movements, new balance."""
    bank, branch = "30004", "00123"
    common = {3: bank, 12: branch, 17: "EUR", 20: "2", 22: account}
    first_day = movements[0].on
    balance = Decimal(opening)
    records = [
        _cfonb_record("01", {**common, 35: f"{first_day:%d%m%y}", 91: _cfonb_amount(balance)})
    ]
    for number, m in enumerate(movements, start=1):
        records.append(
            _cfonb_record(
                "04",
                {
                    **common,
                    8: "0158",
                    33: "05",
                    35: f"{m.on:%d%m%y}",
                    43: f"{m.on:%d%m%y}",
                    49: m.label[:31],
                    82: f"{number:07d}",
                    91: _cfonb_amount(m.amount),
                },
            )
        )
        if m.payer:
            records.append(
                _cfonb_record("05", {**common, 35: f"{m.on:%d%m%y}", 46: "NPY", 49: m.payer[:70]})
            )
        for text in m.complements:
            records.append(
                _cfonb_record("05", {**common, 35: f"{m.on:%d%m%y}", 46: "LIB", 49: text[:70]})
            )
        balance += m.amount
    last_day = movements[-1].on
    records.append(
        _cfonb_record("07", {**common, 35: f"{last_day:%d%m%y}", 91: _cfonb_amount(balance)})
    )
    return ("\r\n".join(records) + "\r\n").encode("ascii")


def camt053_statement(
    entries: list[tuple[str, list[tuple[Decimal, str, str | None]]]],
    *,
    iban: str = "FR7610278220040002001160148",
    on: date,
) -> bytes:
    """A CAMT.053.001.08 statement: each entry (its bank reference, its transfers as (amount,
    remittance text, payer)); a negative amount is a debit."""
    xml_entries = []
    for reference, transfers in entries:
        total = sum((a for a, _, _ in transfers), Decimal(0))
        indicator = "CRDT" if total >= 0 else "DBIT"
        details = "".join(
            f'<TxDtls><Amt Ccy="EUR">{abs(a):.2f}</Amt>'
            f"<CdtDbtInd>{'CRDT' if a >= 0 else 'DBIT'}</CdtDbtInd>"
            + (f"<RltdPties><Dbtr><Pty><Nm>{payer}</Nm></Pty></Dbtr></RltdPties>" if payer else "")
            + f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls>"
            for a, text, payer in transfers
        )
        xml_entries.append(
            f'<Ntry><Amt Ccy="EUR">{abs(total):.2f}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
            f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{on.isoformat()}</Dt></BookgDt>"
            f"<AcctSvcrRef>{reference}</AcctSvcrRef><NtryDtls>{details}</NtryDtls></Ntry>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>TEST</MsgId><CreDtTm>2025-01-01T00:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>S1</Id><Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        + "".join(xml_entries)
        + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()
