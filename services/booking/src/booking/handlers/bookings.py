"""Booking and cancelling (B2-B8), and the cancellations a membership lapse causes (B9)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID, uuid4

from booking.domain.bookings import Booking, BookingRequest, CancelReason, normalise_email
from booking.domain.decision import BookingContext, decide
from booking.domain.opening import day_opening, site_now, weeks_around
from booking.domain.policy import require_policy
from booking.domain.quotas import check_cancellable, gives_back
from booking.domain.resources import ResourceKind
from booking.domain.rights import RULE_OF_KIND, entitled
from booking.handlers import events
from booking.ports import BookingUoW
from booking.repository.bookings import NewBooking
from shared.contracts import Envelope, MembershipLapsed
from shared.errors import NotFound


@dataclass(frozen=True)
class Booked:
    booking: Booking
    #: B2: meeting-room credits left in the booking's year, else None.
    credits_left: int | None


def site_today(uow: BookingUoW) -> date:
    return site_now(uow.clock.now()).date()


async def book(uow: BookingUoW, request: BookingRequest) -> Booked:
    """Decide ``request`` on the structure's locked quotas, insert it (the database refuses an
    overlap, B5) and publish what billing and the other platforms need."""
    resource = await uow.resources.get(request.resource_id)
    if resource is None:
        raise NotFound("Resource", request.resource_id)
    day, year = request.day, request.day.year
    policy = require_policy(await uow.policies.get(year), year, RULE_OF_KIND[resource.kind])
    email = None
    if resource.kind is ResourceKind.LAB_STUDIO and request.participant_email is not None:
        email = normalise_email(request.participant_email)
    request = replace(request, participant_email=email)
    status = await uow.members.status_on(request.siren, day)
    closures = await uow.calendar.closures(starts_on=day, ends_on=day, resource_id=resource.id)
    opening = day_opening(day, resource.id, await uow.calendar.opening_hours(), closures)

    # The structure's requests are decided one at a time from here (quotas locked, B2 B4 B6).
    # Lock order everywhere: credits by year, studio slots, booking rows or a resource's day.
    credits = await uow.quotas.lock_room_credits(request.siren, [year])
    slots = await uow.quotas.lock_studio_slots([(email, year)] if email else [])
    window_start, window_end = weeks_around(day, policy.pattern_weeks)
    same_slot_days = await uow.bookings.same_slot_days(
        siren=request.siren,
        resource_id=resource.id,
        starts_on=window_start,
        ends_on=window_end,
        weekday=day.isoweekday(),
        starts_at=request.starts_at,
        ends_at=request.ends_at,
    )
    accepted = decide(
        request,
        BookingContext(
            resource=resource,
            status=status,
            policy=policy,
            opening=opening,
            now=uow.clock.now(),
            same_slot_days=same_slot_days,
            room_credits_used=credits[year],
            studio_slots_used=slots.get((email, year), 0) if email else 0,
        ),
    )
    await uow.bookings.lock_day(resource.id, day)
    booking = await uow.bookings.add(
        NewBooking(
            id=uuid4(),
            siren=request.siren,
            resource_id=resource.id,
            resource_kind=resource.kind,
            resource_name=resource.name,
            day=day,
            starts_at=request.starts_at,
            ends_at=request.ends_at,
            purpose=request.purpose.strip(),
            category=request.category,
            attendance=request.attendance,
            parking_passes=request.parking_passes,
            participant_email=email,
            amount=accepted.amount,
            created_at=uow.clock.now(),
            created_by=request.requested_by,
        )
    )
    if resource.kind is ResourceKind.MEETING_ROOM:
        await uow.quotas.set_room_credits(request.siren, year, credits[year] + 1)
    if email is not None:
        await uow.quotas.set_studio_slots(email, year, slots[(email, year)] + 1)
    events.publish(uow.outbox, events.booked(booking, accepted.credits_left), booking)
    return Booked(booking, accepted.credits_left)


async def cancel(
    uow: BookingUoW, booking_id: UUID, *, reason: CancelReason, siren_scope: str | None
) -> Booking:
    """Cancel a booking whose day has not passed; before its day its credit comes back.

    ``siren_scope``: a member's SIREN (another structure's booking does not exist for it,
    X3), None for staff.
    """
    found = await uow.bookings.get(booking_id)
    if found is None or (siren_scope is not None and found.siren != siren_scope):
        raise NotFound("Booking", booking_id)
    credits = await uow.quotas.lock_room_credits(found.siren, [found.year])
    slots = await uow.quotas.lock_studio_slots(_slot_keys([found]))
    booking = await uow.bookings.get(booking_id, for_update=True)
    if booking is None:
        raise NotFound("Booking", booking_id)
    today = site_today(uow)
    check_cancellable(booking, today)
    return await _cancel(uow, booking, reason, gives_back(booking, today), credits, slots)


async def cancel_after_lapse(event: MembershipLapsed, envelope: Envelope, uow: BookingUoW) -> None:
    """cancel the structure's bookings from the lapse on that its rights no longer cover (B9)"""
    await cancel_lapsed(uow, event.siren, event.lapsed_on)


async def cancel_lapsed(uow: BookingUoW, siren: str, lapsed_on: date) -> list[Booking]:
    """B9: the structure's active bookings on or after ``lapsed_on`` (and not yet past) that
    its member status, as the projection now says, no longer allows are cancelled, their
    credit returned (an auditorium date is credited by billing). Run again, it finds none."""
    from_day = max(lapsed_on, site_today(uow))
    years = {from_day.year} | {p.year for p in await uow.policies.all() if p.year > from_day.year}
    credits = await uow.quotas.lock_room_credits(siren, years)
    candidates = await uow.bookings.active_of(siren, from_day=from_day)
    slots = await uow.quotas.lock_studio_slots(_slot_keys(candidates))
    done: list[Booking] = []
    for booking in candidates:
        status = await uow.members.status_on(siren, booking.day)
        if entitled(status, booking.resource_kind):
            continue
        done.append(
            await _cancel(uow, booking, CancelReason.MEMBERSHIP_LAPSED, True, credits, slots)
        )
    return done


def _slot_keys(bookings: list[Booking]) -> list[tuple[str, int]]:
    return [(b.participant_email, b.year) for b in bookings if b.participant_email is not None]


async def _cancel(
    uow: BookingUoW,
    booking: Booking,
    reason: CancelReason,
    returned: bool,
    credits: dict[int, int],
    slots: dict[tuple[str, int], int],
) -> Booking:
    """Cancel ``booking`` (its quotas locked by the caller) and give back what it used."""
    done = await uow.bookings.cancel(
        booking.id, at=uow.clock.now(), reason=reason, credit_returned=returned
    )
    if returned and booking.resource_kind is ResourceKind.MEETING_ROOM:
        credits[booking.year] = max(credits.get(booking.year, 0) - 1, 0)
        await uow.quotas.set_room_credits(booking.siren, booking.year, credits[booking.year])
    if returned and booking.participant_email is not None:
        key = (booking.participant_email, booking.year)
        slots[key] = max(slots.get(key, 0) - 1, 0)
        await uow.quotas.set_studio_slots(booking.participant_email, booking.year, slots[key])
    events.publish(uow.outbox, events.cancelled(done), done)
    return done
