"""Staff manage the resources (B1), the opening calendar (B8) and each year's terms; anyone
signed in reads a resource's availability."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any
from uuid import UUID, uuid4

from booking.domain.bookings import Booking
from booking.domain.opening import (
    Closure,
    DayOpening,
    OpeningHours,
    day_opening,
    free_ranges,
)
from booking.domain.policy import YearPolicy
from booking.domain.resources import Resource, ResourceKind, check_capacity
from booking.handlers.bookings import site_today
from booking.ports import BookingUoW
from shared.errors import Conflict, NotFound, RuleViolated

MAX_DAYS = 31


@dataclass(frozen=True)
class NewResource:
    name: str
    kind: ResourceKind
    capacity: int
    equipment: tuple[str, ...]
    requires_qualiopi: bool
    description: str | None


async def add_resource(uow: BookingUoW, new: NewResource) -> Resource:
    check_capacity(new.capacity)
    return await uow.resources.add(
        Resource(
            id=uuid4(),
            name=new.name,
            kind=new.kind,
            capacity=new.capacity,
            equipment=new.equipment,
            requires_qualiopi=new.requires_qualiopi,
            active=True,
            description=new.description,
            version=1,
        )
    )


async def change_resource(
    uow: BookingUoW, resource_id: UUID, changes: Mapping[str, Any]
) -> Resource:
    """Change a resource; its kind never changes (bookings and events carry it). Existing
    bookings keep their terms."""
    if "capacity" in changes:
        check_capacity(changes["capacity"])
    if not changes:
        found = await uow.resources.get(resource_id)
    else:
        found = await uow.resources.update(resource_id, changes)
    if found is None:
        raise NotFound("Resource", resource_id)
    return found


async def resource(uow: BookingUoW, resource_id: UUID) -> Resource:
    found = await uow.resources.get(resource_id)
    if found is None:
        raise NotFound("Resource", resource_id)
    return found


# -- the calendar (B8) ------------------------------------------------------------------------


async def set_opening_hours(uow: BookingUoW, hours: OpeningHours) -> None:
    """New hours for a weekday; refused while an active booking to come lies outside them."""
    outside = [
        b
        for b in await _bookings_to_come_on(uow, hours.weekday)
        if b.starts_at < hours.opens_at or b.ends_at > hours.closes_at
    ]
    _refuse_if_booked(outside, "these hours")
    await uow.calendar.set_opening_hours(hours)


async def close_weekday(uow: BookingUoW, weekday: int) -> None:
    _refuse_if_booked(await _bookings_to_come_on(uow, weekday), "closing that weekday")
    if not await uow.calendar.close_weekday(weekday):
        raise NotFound("Opening hours of weekday", weekday)


async def add_closure(
    uow: BookingUoW,
    *,
    starts_on: date,
    ends_on: date,
    reason: str,
    resource_id: UUID | None,
    created_by: str,
) -> Closure:
    """A closure of the site or of one resource; refused while active bookings fall in it
    (staff cancel them first, so that each member is told)."""
    if ends_on < starts_on:
        raise RuleViolated("B8", "A closure ends on or after the day it starts.")
    if ends_on - starts_on > timedelta(days=366):
        raise RuleViolated("B8", "A closure lasts a year at most.")
    if resource_id is not None:
        await resource(uow, resource_id)
    booked = await uow.bookings.active_on(
        resource_id=resource_id, starts_on=starts_on, ends_on=ends_on
    )
    _refuse_if_booked(booked, "this closure")
    closure = Closure(uuid4(), starts_on, ends_on, reason, resource_id)
    await uow.calendar.add_closure(closure, created_by)
    return closure


async def remove_closure(uow: BookingUoW, closure_id: UUID) -> None:
    if not await uow.calendar.remove_closure(closure_id):
        raise NotFound("Closure", closure_id)


async def _bookings_to_come_on(uow: BookingUoW, weekday: int) -> list[Booking]:
    today = site_today(uow)
    booked = await uow.bookings.active_on(
        resource_id=None, starts_on=today, ends_on=today + timedelta(days=3 * 366)
    )
    return [b for b in booked if b.day.isoweekday() == weekday]


def _refuse_if_booked(bookings: list[Booking], what: str) -> None:
    if bookings:
        raise Conflict(
            f"{len(bookings)} active booking(s) would fall outside the opening with {what}: "
            "cancel them first.",
            rule="B8",
            bookings=[str(b.id) for b in bookings[:50]],
        )


# -- availability -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayAvailability:
    opening: DayOpening
    free: list[tuple[time, time]]
    booked: list[Booking]


async def availability(
    uow: BookingUoW, resource_id: UUID, first_day: date, days: int
) -> tuple[Resource, list[DayAvailability]]:
    """Per day: open or why not, the free ranges and the active bookings (B5, B8)."""
    found = await resource(uow, resource_id)
    days = max(1, min(days, MAX_DAYS))
    last_day = first_day + timedelta(days=days - 1)
    hours = await uow.calendar.opening_hours()
    closures = await uow.calendar.closures(
        starts_on=first_day, ends_on=last_day, resource_id=resource_id
    )
    booked = await uow.bookings.active_on(
        resource_id=resource_id, starts_on=first_day, ends_on=last_day
    )
    result = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        opening = day_opening(day, resource_id, hours, closures)
        that_day = [b for b in booked if b.day == day]
        ranges = [(b.starts_at, b.ends_at) for b in that_day]
        if not found.active:
            opening = DayOpening(day, None, None, "resource_inactive", "Not open for booking.")
        result.append(DayAvailability(opening, free_ranges(opening, ranges), that_day))
    return found, result


# -- the terms of a year ------------------------------------------------------------------------


async def put_policy(uow: BookingUoW, policy: YearPolicy, updated_by: str) -> YearPolicy:
    """Set a year's terms; bookings already made keep the price they were taken at (B3)."""
    await uow.policies.put(policy, updated_by)
    return policy


async def policy(uow: BookingUoW, year: int) -> YearPolicy:
    found = await uow.policies.get(year)
    if found is None:
        raise NotFound("Booking terms of year", year)
    return found
