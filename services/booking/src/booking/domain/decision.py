"""Whether a booking is accepted: every rule, in the order a member can best act on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from booking.domain.bookings import BookingRequest
from booking.domain.conditions import check_purpose, check_weekly_pattern
from booking.domain.opening import DayOpening, check_bookable_time
from booking.domain.policy import YearPolicy
from booking.domain.quotas import check_room_credit, check_studio_slot
from booking.domain.resources import (
    Resource,
    ResourceKind,
    check_attendance,
    check_bookable_resource,
)
from booking.domain.rights import check_rights
from shared.errors import InvalidInput
from shared.projections.member_status import MemberStatus


@dataclass(frozen=True)
class BookingContext:
    """What the use case read for one request, quotas locked."""

    resource: Resource
    status: MemberStatus
    policy: YearPolicy
    opening: DayOpening
    now: datetime
    #: Days of the structure's active bookings of this resource, same weekday, overlapping
    #: times, within the pattern's window (B4).
    same_slot_days: Sequence[date]
    #: B2: the structure's meeting-room credits used in the date's year.
    room_credits_used: int
    #: B6: the participant's studio slots in the date's year (studio only).
    studio_slots_used: int


@dataclass(frozen=True)
class Accepted:
    #: B3: the auditorium price of the year, else None.
    amount: Decimal | None
    #: B2: meeting-room credits left after this booking, else None.
    credits_left: int | None


def decide(request: BookingRequest, context: BookingContext) -> Accepted:
    resource = context.resource
    check_bookable_resource(resource)
    check_bookable_time(context.opening, request.starts_at, request.ends_at, context.now)
    check_attendance(resource, request.attendance, request.parking_passes)
    check_rights(context.status, resource)
    check_purpose(request)
    check_weekly_pattern(request.day, context.same_slot_days, context.policy.pattern_weeks)
    if resource.kind is ResourceKind.MEETING_ROOM:
        left = check_room_credit(context.room_credits_used, context.policy)
        return Accepted(amount=None, credits_left=left)
    if resource.kind is ResourceKind.AUDITORIUM:
        return Accepted(amount=context.policy.auditorium_price, credits_left=None)
    if request.participant_email is None:
        raise InvalidInput("A Lab Studio slot names its participant (participant_email).")
    check_studio_slot(context.studio_slots_used, context.policy, request.participant_email)
    return Accepted(amount=None, credits_left=None)
