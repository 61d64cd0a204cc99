"""Request and response bodies of the booking API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Self
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from booking.domain.bookings import (
    Booking,
    BookingStatus,
    CancelReason,
    PurposeCategory,
    Recurrence,
)
from booking.domain.feeds import FeedKind
from booking.domain.opening import OpeningHours
from booking.domain.policy import MAX_YEAR, MIN_YEAR, YearPolicy
from booking.domain.resources import MAX_CAPACITY, SITE, Resource, ResourceKind
from shared.contracts import Money
from shared.text import without_nul
from shared.wall_clock import WallClock


def _year_in_range(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"a date between {MIN_YEAR} and {MAX_YEAR}")
    return value


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(without_nul),
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(without_nul)
]
Day = Annotated[date, AfterValidator(_year_in_range)]
Headcount = Annotated[int, Field(ge=0, le=MAX_CAPACITY)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- resources ----------------------------------------------------------------------------------


class ResourceIn(_In):
    name: Text
    kind: ResourceKind
    capacity: Annotated[int, Field(ge=1, le=MAX_CAPACITY)]
    equipment: Annotated[list[Text], Field(max_length=30)] = []
    #: B4: a training organisation needs a valid Qualiopi certificate to book it.
    requires_qualiopi: bool = False
    description: LongText | None = None


class ResourcePatch(_In):
    """The fields to change; only ``description`` may be set to null (removed)."""

    name: Text | None = None
    capacity: Annotated[int, Field(ge=1, le=MAX_CAPACITY)] | None = None
    equipment: Annotated[list[Text], Field(max_length=30)] | None = None
    requires_qualiopi: bool | None = None
    active: bool | None = None
    description: LongText | None = None

    @model_validator(mode="after")
    def _only_description_is_nullable(self) -> Self:
        for name in self.model_fields_set - {"description"}:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null: leave it out to keep it")
        return self


class ResourceOut(BaseModel):
    id: UUID
    name: str
    kind: ResourceKind
    capacity: int
    equipment: list[str]
    requires_qualiopi: bool
    active: bool
    description: str | None
    site: str = SITE

    @classmethod
    def of(cls, r: Resource) -> ResourceOut:
        return cls(
            id=r.id,
            name=r.name,
            kind=r.kind,
            capacity=r.capacity,
            equipment=list(r.equipment),
            requires_qualiopi=r.requires_qualiopi,
            active=r.active,
            description=r.description,
        )


# -- calendar -----------------------------------------------------------------------------------


class OpeningHoursIn(_In):
    opens_at: WallClock
    closes_at: WallClock


class OpeningHoursOut(BaseModel):
    weekday: int
    opens_at: WallClock
    closes_at: WallClock

    @classmethod
    def of(cls, h: OpeningHours) -> OpeningHoursOut:
        return cls(weekday=h.weekday, opens_at=h.opens_at, closes_at=h.closes_at)


class ClosureIn(_In):
    starts_on: Day
    ends_on: Day
    reason: Text
    #: None: the whole site.
    resource_id: UUID | None = None


class ClosureOut(BaseModel):
    id: UUID
    starts_on: date
    ends_on: date
    reason: str
    resource_id: UUID | None


class HolidayOut(BaseModel):
    date: date
    name: str


class PolicyIn(_In):
    room_credits: Annotated[int, Field(ge=0, le=100)]
    auditorium_price: Annotated[Decimal, Field(ge=0, le=100_000, max_digits=12, decimal_places=2)]
    studio_slots_per_participant: Annotated[int, Field(ge=0, le=100)]
    pattern_weeks: Annotated[int, Field(ge=2, le=52)]


class PolicyOut(BaseModel):
    year: int
    room_credits: int
    auditorium_price: Money
    studio_slots_per_participant: int
    pattern_weeks: int

    @classmethod
    def of(cls, p: YearPolicy) -> PolicyOut:
        return cls(
            year=p.year,
            room_credits=p.room_credits,
            auditorium_price=p.auditorium_price,
            studio_slots_per_participant=p.studio_slots_per_participant,
            pattern_weeks=p.pattern_weeks,
        )


# -- bookings -----------------------------------------------------------------------------------


class BookingIn(_In):
    siren: Annotated[str, Field(pattern=r"^\d{9}$")]
    resource_id: UUID
    date: Day
    starts_at: WallClock
    ends_at: WallClock
    #: B4: what the booking is for, in a sentence.
    purpose: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
        AfterValidator(without_nul),
    ]
    purpose_category: PurposeCategory
    #: B4: participants pay, or something is sold (refused).
    commercial: bool = False
    #: B4: a declared series (refused: book one date).
    recurrence: Recurrence = Recurrence.NONE
    attendance: Annotated[int, Field(ge=1, le=MAX_CAPACITY)]
    #: B7: TBM parking passes requested (not billed by the agency).
    parking_passes: Headcount = 0
    #: B6: the Lab Studio participant (identified by normalised e-mail).
    participant_email: (
        Annotated[str, StringConstraints(max_length=254), AfterValidator(without_nul)] | None
    ) = None


class BookingOut(BaseModel):
    id: UUID
    siren: str
    resource_id: UUID
    resource_name: str
    resource_kind: ResourceKind
    date: date
    starts_at: WallClock
    ends_at: WallClock
    purpose: str
    purpose_category: PurposeCategory
    attendance: int
    parking_passes: int
    participant_email: str | None
    #: B3: the auditorium date's price, invoiced by billing.
    amount: Money | None
    status: BookingStatus
    created_at: datetime
    cancelled_at: datetime | None
    cancel_reason: CancelReason | None
    credit_returned: bool | None

    @classmethod
    def of(cls, b: Booking) -> BookingOut:
        return cls(
            id=b.id,
            siren=b.siren,
            resource_id=b.resource_id,
            resource_name=b.resource_name,
            resource_kind=b.resource_kind,
            date=b.day,
            starts_at=b.starts_at,
            ends_at=b.ends_at,
            purpose=b.purpose,
            purpose_category=b.category,
            attendance=b.attendance,
            parking_passes=b.parking_passes,
            participant_email=b.participant_email,
            amount=b.amount,
            status=b.status,
            created_at=b.created_at,
            cancelled_at=b.cancelled_at,
            cancel_reason=b.cancel_reason,
            credit_returned=b.credit_returned,
        )


class ParkingOut(BaseModel):
    """B7: the TBM parking terms, for information: the agency bills nothing for it."""

    passes: int
    price_per_pass: Money
    terms: str


class BookedOut(BookingOut):
    #: B2: meeting-room credits left in the booking's year.
    credits_left: int | None
    parking: ParkingOut


class CreditsOut(BaseModel):
    siren: str
    year: int
    allowed: int
    used: int
    left: int


# -- availability -------------------------------------------------------------------------------


class TimeRange(BaseModel):
    starts_at: WallClock
    ends_at: WallClock


class BusyRange(TimeRange):
    #: Given to staff and for the caller's own bookings only (X3).
    booking_id: UUID | None = None
    siren: str | None = None


class DayOut(BaseModel):
    date: date
    open: bool
    #: ``weekend``, ``public_holiday``, ``closure``, ``no_opening_hours``, ``resource_inactive``.
    closed_because: str | None
    detail: str | None
    opens_at: WallClock | None
    closes_at: WallClock | None
    free: list[TimeRange]
    booked: list[BusyRange]


class AvailabilityOut(BaseModel):
    resource: ResourceOut
    days: list[DayOut]


# -- calendar feed links ------------------------------------------------------------------------


class FeedLinkOut(BaseModel):
    """A feed's subscription URL: give it to a calendar application; it needs no bearer."""

    url: str
    feed: FeedKind
    #: The structure's SIREN or the resource's id.
    target: str
    #: Structure and purpose of every booking, or busy times only.
    detailed: bool
    created_at: datetime
