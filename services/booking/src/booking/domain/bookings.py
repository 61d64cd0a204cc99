"""A booking and what a member asks for (B2-B7): pure values, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from booking.domain.resources import ResourceKind
from shared.errors import InvalidInput


class PurposeCategory(StrEnum):
    """What a booking is for. B4: only the agency's object (guidance, training, employment);
    the other categories are named so that a member can say so, and are refused."""

    GUIDANCE = "guidance"
    TRAINING = "training"
    EMPLOYMENT = "employment"
    PAID_TRAINING = "paid_training"
    PAID_EVENT = "paid_event"
    SALES = "sales"
    PRIVATE_EVENT = "private_event"
    OTHER = "other"


AGENCY_OBJECT = frozenset(
    {PurposeCategory.GUIDANCE, PurposeCategory.TRAINING, PurposeCategory.EMPLOYMENT}
)


class Recurrence(StrEnum):
    """A series the member declares (B4: refused, only ``none`` is booked)."""

    NONE = "none"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


class BookingStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class CancelReason(StrEnum):
    MEMBER = "member"
    STAFF = "staff"
    MEMBERSHIP_LAPSED = "membership_lapsed"


@dataclass(frozen=True)
class BookingRequest:
    siren: str
    resource_id: UUID
    day: date
    starts_at: time
    ends_at: time
    purpose: str
    category: PurposeCategory
    #: Participants pay, or something is sold (B4: refused).
    commercial: bool
    recurrence: Recurrence
    attendance: int
    parking_passes: int
    #: Lab Studio only (B6): the participant, by normalised e-mail.
    participant_email: str | None
    requested_by: str


@dataclass(frozen=True)
class Booking:
    id: UUID
    siren: str
    resource_id: UUID
    resource_name: str
    resource_kind: ResourceKind
    day: date
    starts_at: time
    ends_at: time
    purpose: str
    category: PurposeCategory
    attendance: int
    parking_passes: int
    participant_email: str | None
    #: B3: the auditorium price of the date's year when it was booked.
    amount: Decimal | None
    status: BookingStatus
    created_at: datetime
    created_by: str
    cancelled_at: datetime | None
    cancel_reason: CancelReason | None
    #: Cancelled before its day: the credit (room), the slot (studio) or the price (auditorium,
    #: credited by billing) is given back.
    credit_returned: bool | None
    version: int

    @property
    def year(self) -> int:
        """The membership year a booking counts in: its date's calendar year (M3)."""
        return self.day.year

    @property
    def active(self) -> bool:
        return self.status is BookingStatus.ACTIVE


_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def normalise_email(raw: str) -> str:
    """A participant's identity (B6): the e-mail trimmed and lower-cased."""
    email = raw.strip().lower()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise InvalidInput(f"{raw!r} is not an e-mail address.")
    return email
