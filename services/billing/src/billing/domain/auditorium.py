"""B3, F1, F6: auditorium dates billed per date, credited when cancelled before their day.

Each ``AuditoriumBooked`` is one date of the auditorium: one invoice of one line, at the price
the event carries, addressed to the main structure (the booking's SIREN). Cancelled before its
day (in Pessac's time zone), the date is credited (B3, B9); cancelled on or after its day, it
stays due. **Decisions**: a date whose cancellation billing learns before its booking (the two
events travel on two queues) is never invoiced, which is what an invoice and its credit note
would net to; a date of a structure billing does not know yet (no membership event named its
customer details) waits, and is invoiced when the structure becomes known.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

from billing.domain.invoices import Line
from billing.domain.money import ZERO, money
from billing.domain.reconciliation import InvoiceFacts, Mismatch

#: The auditorium is at the Pessac site: "before its day" is judged on Pessac's calendar.
SITE_TIME_ZONE = ZoneInfo("Europe/Paris")


def cancelled_before_its_day(cancelled_at: datetime, booked_on: date) -> bool:
    """B3: a cancellation made before the day of the date (the day itself is too late)."""
    return cancelled_at.astimezone(SITE_TIME_ZONE).date() < booked_on


def auditorium_line(
    resource_name: str, booked_on: date, starts_at: time, ends_at: time, amount: Decimal
) -> Line:
    """B3, F1: the invoice line of one date, at the price booking gave."""
    return Line(
        description=(
            f"Location de l'auditorium ({resource_name}) le {booked_on:%d/%m/%Y}, "
            f"de {starts_at:%Hh%M} à {ends_at:%Hh%M}"
        ),
        quantity=1,
        unit_price=money(amount),
    )


@dataclass(frozen=True)
class AuditoriumFacts:
    """Billing's projection of one auditorium date, from booking's events."""

    booking_id: UUID
    siren: str
    resource_id: UUID
    booked_on: date
    #: None while only the cancellation is known.
    amount: Decimal | None
    cancelled_at: datetime | None

    @property
    def credited_by_rule(self) -> bool:
        """Cancelled before its day: nothing of it is due (B3)."""
        return self.cancelled_at is not None and cancelled_before_its_day(
            self.cancelled_at, self.booked_on
        )

    @property
    def due(self) -> bool:
        """A date billing must have invoiced and not credited."""
        return self.amount is not None and self.amount > ZERO and not self.credited_by_rule


def find_auditorium_mismatches(
    dates: list[AuditoriumFacts], invoices: list[InvoiceFacts]
) -> list[Mismatch]:
    """F6: auditorium dates invoiced not at all, twice, or not credited when cancelled in time,
    and auditorium invoices of no date booking told billing of."""
    found: list[Mismatch] = []
    by_subject: dict[UUID, list[InvoiceFacts]] = defaultdict(list)
    for inv in invoices:
        if inv.subject_id is not None:
            by_subject[inv.subject_id].append(inv)
    known = {d.booking_id for d in dates}
    live_by_date: dict[tuple[str, UUID, date], list[str]] = defaultdict(list)
    for d in sorted(dates, key=lambda d: (d.booked_on, d.siren, str(d.booking_id))):
        live = [i for i in by_subject.get(d.booking_id, []) if not i.balance.cancelled]
        day = f"{d.booked_on:%d/%m/%Y}"
        if d.due and not live:
            found.append(
                Mismatch(
                    "auditorium_not_invoiced",
                    d.siren,
                    d.booked_on.year,
                    f"the auditorium date of {day} (booking {d.booking_id}) is not invoiced",
                )
            )
        if d.credited_by_rule and live:
            numbers = tuple(i.number for i in live)
            found.append(
                Mismatch(
                    "auditorium_cancelled_not_credited",
                    d.siren,
                    d.booked_on.year,
                    f"the auditorium date of {day} was cancelled before its day but "
                    f"{', '.join(numbers)} is not credited in full",
                    invoice_numbers=numbers,
                )
            )
        if d.due:
            live_by_date[(d.siren, d.resource_id, d.booked_on)] += [i.number for i in live]
    for (siren, _resource, on), twice in sorted(live_by_date.items()):
        if len(twice) > 1:
            found.append(
                Mismatch(
                    "auditorium_invoiced_twice",
                    siren,
                    on.year,
                    f"the auditorium date of {on:%d/%m/%Y} is invoiced {len(twice)} times: "
                    + ", ".join(sorted(twice)),
                    invoice_numbers=tuple(sorted(twice)),
                )
            )
    for inv in sorted(invoices, key=lambda i: i.number):
        if inv.subject_id not in known and not inv.balance.cancelled:
            found.append(
                Mismatch(
                    "auditorium_invoice_without_booking",
                    inv.siren,
                    inv.year,
                    f"{inv.number} invoices an auditorium date booking never told billing of",
                    invoice_numbers=(inv.number,),
                )
            )
    return found
