"""The use cases on an in-memory unit of work: what they write, publish and give back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from booking.domain.bookings import (
    Booking,
    BookingRequest,
    BookingStatus,
    CancelReason,
    PurposeCategory,
    Recurrence,
)
from booking.domain.opening import Closure, OpeningHours, default_opening_hours
from booking.domain.policy import YearPolicy
from booking.domain.resources import Resource, ResourceKind
from booking.handlers.bookings import book, cancel, cancel_lapsed
from booking.repository.bookings import BookingFilter, NewBooking
from shared.clock import FixedClock
from shared.contracts import AuditoriumBooked, BookingCancelled, RoomBooked
from shared.errors import Conflict, NotFound, RuleViolated
from shared.projections.member_status import MembershipPeriod, MemberStatus, status_on
from shared.testing.fakes import InMemoryUnitOfWork

SIREN = "552100554"
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


class FakeResources:
    def __init__(self) -> None:
        self.rows: dict[UUID, Resource] = {}

    async def add(self, resource: Resource) -> Resource:
        self.rows[resource.id] = resource
        return resource

    async def get(self, resource_id: UUID) -> Resource | None:
        return self.rows.get(resource_id)

    async def update(self, resource_id: UUID, changes: Mapping[str, Any]) -> Resource | None:
        raise NotImplementedError

    async def search(self, **_: Any) -> tuple[list[Resource], int]:
        raise NotImplementedError


class FakeCalendar:
    def __init__(self) -> None:
        self.hours: dict[int, OpeningHours] = default_opening_hours()
        self.closed: list[Closure] = []

    async def opening_hours(self) -> dict[int, OpeningHours]:
        return dict(self.hours)

    async def closures(self, *, starts_on: date, ends_on: date, **_: Any) -> list[Closure]:
        return [c for c in self.closed if c.starts_on <= ends_on and c.ends_on >= starts_on]


class FakePolicies:
    def __init__(self) -> None:
        self.rows = {2026: YearPolicy(2026, 5, Decimal("250.00"), 3, 3)}

    async def get(self, year: int) -> YearPolicy | None:
        return self.rows.get(year)

    async def all(self) -> list[YearPolicy]:
        return list(self.rows.values())


class FakeBookings:
    """Bookings in a dict; an overlap of active bookings is refused as the constraint does."""

    def __init__(self) -> None:
        self.rows: dict[UUID, Booking] = {}

    async def lock_day(self, resource_id: UUID, day: date) -> None:
        return None

    async def add(self, new: NewBooking) -> Booking:
        for b in self.rows.values():
            if (
                b.active
                and b.resource_id == new.resource_id
                and b.day == new.day
                and b.starts_at < new.ends_at
                and new.starts_at < b.ends_at
            ):
                raise Conflict("overlap", rule="B5")
        booking = Booking(
            **vars(new),
            status=BookingStatus.ACTIVE,
            cancelled_at=None,
            cancel_reason=None,
            credit_returned=None,
            version=1,
        )
        self.rows[booking.id] = booking
        return booking

    async def get(self, booking_id: UUID, *, for_update: bool = False) -> Booking | None:
        return self.rows.get(booking_id)

    async def cancel(
        self, booking_id: UUID, *, at: datetime, reason: CancelReason, credit_returned: bool
    ) -> Booking:
        done = replace(
            self.rows[booking_id],
            status=BookingStatus.CANCELLED,
            cancelled_at=at,
            cancel_reason=reason,
            credit_returned=credit_returned,
            version=self.rows[booking_id].version + 1,
        )
        self.rows[booking_id] = done
        return done

    async def same_slot_days(
        self,
        *,
        siren: str,
        resource_id: UUID,
        starts_on: date,
        ends_on: date,
        weekday: int,
        starts_at: time,
        ends_at: time,
    ) -> list[date]:
        return [
            b.day
            for b in self.rows.values()
            if b.active
            and b.siren == siren
            and b.resource_id == resource_id
            and starts_on <= b.day <= ends_on
            and b.day.isoweekday() == weekday
            and b.starts_at < ends_at
            and starts_at < b.ends_at
        ]

    async def active_of(self, siren: str, *, from_day: date) -> list[Booking]:
        return sorted(
            (b for b in self.rows.values() if b.active and b.siren == siren and b.day >= from_day),
            key=lambda b: (b.day, b.starts_at),
        )

    async def search(self, where: BookingFilter, **_: Any) -> tuple[list[Booking], int]:
        raise NotImplementedError


class FakeQuotas:
    def __init__(self) -> None:
        self.credits: dict[tuple[str, int], int] = {}
        self.slots: dict[tuple[str, int], int] = {}

    async def lock_room_credits(self, siren: str, years: Iterable[int]) -> dict[int, int]:
        return {y: self.credits.setdefault((siren, y), 0) for y in sorted(set(years))}

    async def set_room_credits(self, siren: str, year: int, used: int) -> None:
        self.credits[(siren, year)] = used

    async def lock_studio_slots(
        self, keys: Iterable[tuple[str, int]]
    ) -> dict[tuple[str, int], int]:
        return {k: self.slots.setdefault(k, 0) for k in sorted(set(keys))}

    async def set_studio_slots(self, participant_email: str, year: int, used: int) -> None:
        self.slots[(participant_email, year)] = used


class FakeMembers:
    """Status on a day from membership periods, with the projection's own reading."""

    def __init__(self) -> None:
        self.periods: dict[str, list[MembershipPeriod]] = {}

    def join(self, siren: str, plan: str = "premium", **extra: Any) -> MembershipPeriod:
        values: dict[str, Any] = {
            "membership_id": uuid4(),
            "siren": siren,
            "year": 2026,
            "plan": plan,
            "valid_from": date(2026, 1, 1),
            "valid_until": date(2026, 12, 31),
            "grace_until": None,
            "training_organisation": False,
            "lapsed_on": None,
            "reinstated_until": None,
        }
        values.update(extra)
        period = MembershipPeriod(**values)
        self.periods.setdefault(siren, []).append(period)
        return period

    def lapse(self, siren: str, on: date) -> None:
        self.periods[siren] = [replace(p, lapsed_on=on) for p in self.periods[siren]]

    async def status_on(self, siren: str, day: date) -> MemberStatus:
        return status_on(siren, day, self.periods.get(siren, []))


class FakeUnitOfWork(InMemoryUnitOfWork):
    def __init__(self) -> None:
        super().__init__(FixedClock(NOW))
        self.resources = FakeResources()
        self.calendar = FakeCalendar()
        self.policies = FakePolicies()
        self.bookings = FakeBookings()
        self.quotas = FakeQuotas()
        self.members = FakeMembers()


@pytest.fixture
def uow() -> FakeUnitOfWork:
    unit = FakeUnitOfWork()
    unit.members.join(SIREN)
    return unit


async def resource(uow: FakeUnitOfWork, kind: ResourceKind = ResourceKind.MEETING_ROOM) -> Resource:
    return await uow.resources.add(
        Resource(uuid4(), f"{kind.value} {uuid4().hex[:4]}", kind, 30, (), False, True, None, 1)
    )


def request(resource: Resource, day: date, **changes: Any) -> BookingRequest:
    values: dict[str, Any] = {
        "siren": SIREN,
        "resource_id": resource.id,
        "day": day,
        "starts_at": time(9, 0),
        "ends_at": time(11, 0),
        "purpose": "Comité de pilotage emploi des jeunes",
        "category": PurposeCategory.EMPLOYMENT,
        "commercial": False,
        "recurrence": Recurrence.NONE,
        "attendance": 10,
        "parking_passes": 1,
        "participant_email": None,
        "requested_by": "member-552100554",
    }
    values.update(changes)
    return BookingRequest(**values)


async def committed(uow: FakeUnitOfWork, action: Any) -> Any:
    async with uow:
        result = await action
        await uow.commit()
    return result


async def test_b2_a_room_booking_publishes_room_booked_at_version_one(uow) -> None:
    room = await resource(uow)
    done = await committed(uow, book(uow, request(room, date(2026, 3, 17))))
    [envelope] = uow.events(RoomBooked)
    assert envelope.aggregate_id == str(done.booking.id)
    assert envelope.aggregate_version == 1
    assert envelope.payload["credits_left"] == 4
    assert envelope.occurred_at == NOW
    assert uow.quotas.credits[(SIREN, 2026)] == 1


async def test_b2_a_refused_booking_writes_and_publishes_nothing(uow) -> None:
    room = await resource(uow)
    uow.quotas.credits[(SIREN, 2026)] = 5
    with pytest.raises(RuleViolated) as refused:
        await committed(uow, book(uow, request(room, date(2026, 3, 17))))
    assert refused.value.rule == "B2"
    assert uow.published == []
    assert uow.bookings.rows == {}
    assert uow.quotas.credits[(SIREN, 2026)] == 5


async def test_b2_cancelled_before_its_day_the_credit_comes_back_and_the_event_says_so(
    uow,
) -> None:
    room = await resource(uow)
    done = await committed(uow, book(uow, request(room, date(2026, 3, 17))))
    cancelled = await committed(
        uow, cancel(uow, done.booking.id, reason=CancelReason.MEMBER, siren_scope=SIREN)
    )
    assert cancelled.credit_returned is True
    assert uow.quotas.credits[(SIREN, 2026)] == 0
    [envelope] = uow.events(BookingCancelled)
    assert envelope.aggregate_version == 2
    assert envelope.payload["credit_returned"] is True
    assert envelope.payload["reason"] == "member"


async def test_b2_cancelled_on_its_day_the_credit_stays_used(uow) -> None:
    room = await resource(uow)
    done = await committed(
        uow, book(uow, request(room, date(2026, 3, 10), starts_at=time(14), ends_at=time(15)))
    )
    cancelled = await committed(
        uow, cancel(uow, done.booking.id, reason=CancelReason.STAFF, siren_scope=None)
    )
    assert cancelled.credit_returned is False
    assert uow.quotas.credits[(SIREN, 2026)] == 1
    with pytest.raises(Conflict):
        await committed(
            uow, cancel(uow, done.booking.id, reason=CancelReason.STAFF, siren_scope=None)
        )


async def test_x3_another_structures_booking_is_not_found(uow) -> None:
    room = await resource(uow)
    done = await committed(uow, book(uow, request(room, date(2026, 3, 17))))
    with pytest.raises(NotFound):
        await committed(
            uow, cancel(uow, done.booking.id, reason=CancelReason.MEMBER, siren_scope="111111111")
        )


async def test_b3_the_auditorium_is_priced_and_credited_by_amount(uow) -> None:
    hall = await resource(uow, ResourceKind.AUDITORIUM)
    done = await committed(uow, book(uow, request(hall, date(2026, 3, 17))))
    [booked] = uow.events(AuditoriumBooked)
    assert booked.payload["amount"] == "250.00"
    assert uow.quotas.credits[(SIREN, 2026)] == 0
    await committed(
        uow, cancel(uow, done.booking.id, reason=CancelReason.MEMBER, siren_scope=SIREN)
    )
    [cancelled] = uow.events(BookingCancelled)
    assert cancelled.payload["amount"] == "250.00"
    assert cancelled.payload["resource_kind"] == "auditorium"


async def test_b6_a_studio_slot_cancelled_in_time_is_given_back(uow) -> None:
    uow.members.periods.clear()
    uow.members.join(SIREN, plan="simple", training_organisation=True)
    studio = await resource(uow, ResourceKind.LAB_STUDIO)
    req = request(studio, date(2026, 3, 17), participant_email="Ana@Example.org", attendance=2)
    done = await committed(uow, book(uow, req))
    assert uow.quotas.slots[("ana@example.org", 2026)] == 1
    await committed(
        uow, cancel(uow, done.booking.id, reason=CancelReason.MEMBER, siren_scope=SIREN)
    )
    assert uow.quotas.slots[("ana@example.org", 2026)] == 0


async def test_b9_a_lapse_cancels_what_follows_it_once(uow) -> None:
    room = await resource(uow)
    hall = await resource(uow, ResourceKind.AUDITORIUM)
    before = await committed(uow, book(uow, request(room, date(2026, 3, 17))))
    after = await committed(uow, book(uow, request(room, date(2026, 3, 25))))
    hall_date = await committed(uow, book(uow, request(hall, date(2026, 4, 14))))
    uow.members.lapse(SIREN, date(2026, 3, 20))

    done = await committed(uow, cancel_lapsed(uow, SIREN, date(2026, 3, 20)))
    assert {b.id for b in done} == {after.booking.id, hall_date.booking.id}
    assert uow.bookings.rows[before.booking.id].active
    assert uow.quotas.credits[(SIREN, 2026)] == 1
    events = uow.events(BookingCancelled)
    assert {e.payload["reason"] for e in events} == {"membership_lapsed"}
    assert all(e.payload["credit_returned"] for e in events)

    again = await committed(uow, cancel_lapsed(uow, SIREN, date(2026, 3, 20)))
    assert again == []
    assert len(uow.events(BookingCancelled)) == 2


async def test_b9_a_simple_member_keeps_its_studio_slots_but_loses_rooms_after_a_downgrade(
    uow,
) -> None:
    """What the rights still cover is kept: a member whose premium lapsed but who still holds
    a simple membership keeps the studio, loses the rooms."""
    uow.members.periods.clear()
    uow.members.join(SIREN, plan="premium", training_organisation=True)
    room = await resource(uow)
    studio = await resource(uow, ResourceKind.LAB_STUDIO)
    kept = await committed(
        uow, book(uow, request(studio, date(2026, 3, 25), participant_email="a@b.fr", attendance=1))
    )
    lost = await committed(uow, book(uow, request(room, date(2026, 3, 26))))
    uow.members.lapse(SIREN, date(2026, 3, 20))
    uow.members.join(SIREN, plan="simple", training_organisation=True)
    done = await committed(uow, cancel_lapsed(uow, SIREN, date(2026, 3, 20)))
    assert [b.id for b in done] == [lost.booking.id]
    assert uow.bookings.rows[kept.booking.id].active
