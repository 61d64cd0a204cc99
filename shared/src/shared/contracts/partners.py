"""The partner events: what other regional platforms receive, on the exchange ``<ns>.partners``.

A public shape of some internal events, mapped by the exchange service (``services/exchange``)
and versioned apart from them: a partner event keeps its version while the internal event it
comes from changes, as long as the mapping can still fill it. No personal data of a person
travels here: no e-mail, no name (not even a structure's, which for a sole trader is a
person's); a structure is its SIREN (establishments: SIRET), a participant a stable
pseudonymous reference. Nothing financial (amounts, invoices, plans) and nothing of the
association's internal life (applications, board decisions, assemblies, badges).
"""

from __future__ import annotations

from datetime import date, time
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from shared.contracts.base import Event
from shared.contracts.registry import EventRegistry

ActionType = Literal["training", "self_training", "innovation_lab"]
SIREN = r"^\d{9}$"
SIRET = r"^\d{14}$"


class PartnerEvent(Event):
    """A partner event: published by the exchange service on the partner exchange."""

    producer: ClassVar[str] = "exchange"
    #: The internal events it is mapped from (``docs/events.md`` lists them).
    sources: ClassVar[tuple[str, ...]]


# -- member structures (M3, M4, M7) ----------------------------------------------------------


class MemberStatusChanged(PartnerEvent):
    """The member status of a structure for a year: ``active`` (its dues are paid: member from
    ``since`` to ``until``), ``grace`` (a member of the previous year renewing: member until
    ``until``, the renewal grace of M4) or ``lapsed`` (no longer a member from ``since``).
    Its establishments sharing the SIREN (beneficiaries, M7) have the same status. About the
    membership of that year (``aggregate_id``): keep the highest ``aggregate_version``."""

    event_type: ClassVar[str] = "MemberStatusChanged"
    sources: ClassVar[tuple[str, ...]] = (
        "MembershipActivated",
        "MembershipReinstated",
        "MembershipLapsed",
    )
    routing_stem: ClassVar[str] = "member.status_changed"

    siren: str = Field(pattern=SIREN)
    year: int
    status: Literal["active", "grace", "lapsed"]
    #: First day of the status.
    since: date
    #: Last day of the status where one is known (``active``, ``grace``); None for ``lapsed``.
    until: date | None = None
    #: ``active`` with the next year's renewal under way: the structure stays a member after
    #: ``until``, to this day included (the renewal grace of M4), unless it lapses first.
    grace_until: date | None = None
    #: The beneficiary establishments known when the status changed (active only).
    establishment_sirets: list[str] = Field(default_factory=list)
    #: A training organisation (organisme de formation, M9).
    training_organisation: bool = False


class MemberEstablishmentAdded(PartnerEvent):
    """An establishment sharing the member's SIREN now has the member's rights (M7)."""

    event_type: ClassVar[str] = "MemberEstablishmentAdded"
    sources: ClassVar[tuple[str, ...]] = ("BeneficiaryAdded",)
    routing_stem: ClassVar[str] = "member.establishment_added"

    siren: str = Field(pattern=SIREN)
    siret: str = Field(pattern=SIRET)


class MemberEstablishmentRemoved(PartnerEvent):
    """An establishment no longer has the member's rights (M7)."""

    event_type: ClassVar[str] = "MemberEstablishmentRemoved"
    sources: ClassVar[tuple[str, ...]] = ("BeneficiaryRemoved",)
    routing_stem: ClassVar[str] = "member.establishment_removed"

    siren: str = Field(pattern=SIREN)
    siret: str = Field(pattern=SIRET)


# -- ParcoursPro training sessions (T1, T5, T7, T8) ------------------------------------------


class TrainingSessionScheduled(PartnerEvent):
    """A ParcoursPro session was opened: its action, its dates, where it takes place (or
    remote) and how many places it has (T1). About the session (``aggregate_id`` =
    ``session_id``): every partner event of a session carries a higher ``aggregate_version``
    than the one before it."""

    event_type: ClassVar[str] = "TrainingSessionScheduled"
    sources: ClassVar[tuple[str, ...]] = ("SessionScheduled",)
    routing_stem: ClassVar[str] = "training_session.scheduled"

    session_id: UUID
    action_id: UUID
    action_type: ActionType
    title: str
    starts_on: date
    ends_on: date
    remote: bool
    #: The venue of an in-person session, and its department; None for a remote one.
    place: str | None = None
    department: str | None = None
    capacity: int
    registration_opens_on: date


class TrainingSessionPlacesChanged(PartnerEvent):
    """How full a session is now: places taken (confirmed or promoted enrollments), places
    left, and entries on its waiting list (T5). ``capacity`` and ``places_left`` are None while
    the session's scheduling is not known to the exchange (a session opened before partner
    events existed). Keep the one with the highest ``aggregate_version`` of the session."""

    event_type: ClassVar[str] = "TrainingSessionPlacesChanged"
    sources: ClassVar[tuple[str, ...]] = (
        "EnrollmentConfirmed",
        "EnrollmentWaitlisted",
        "EnrollmentPromoted",
        "EnrollmentCancelled",
    )
    routing_stem: ClassVar[str] = "training_session.places_changed"

    session_id: UUID
    capacity: int | None = None
    places_taken: int = Field(ge=0)
    places_left: int | None = None
    waiting: int = Field(ge=0)


class TrainingSessionCancelled(PartnerEvent):
    """The agency cancelled a session: every place and waiting entry ended (T8)."""

    event_type: ClassVar[str] = "TrainingSessionCancelled"
    sources: ClassVar[tuple[str, ...]] = ("SessionCancelled",)
    routing_stem: ClassVar[str] = "training_session.cancelled"

    session_id: UUID
    action_id: UUID
    starts_on: date


class TrainingAttendanceRecorded(PartnerEvent):
    """The agency recorded whether a participant attended a session (T7). ``participant`` is a
    stable pseudonymous reference of the person (the same for every event about them, never
    their e-mail or name): count distinct participants with it, it identifies no one."""

    event_type: ClassVar[str] = "TrainingAttendanceRecorded"
    sources: ClassVar[tuple[str, ...]] = ("AttendanceRecorded",)
    routing_stem: ClassVar[str] = "training_session.attendance_recorded"

    session_id: UUID
    action_id: UUID
    action_type: ActionType
    session_starts_on: date
    #: The participant's structure (SIREN).
    siren: str = Field(pattern=SIREN)
    participant: str = Field(pattern=r"^p-[0-9a-f]{32}$")
    attendance: Literal["present", "absent_justified", "absent_unjustified"]


# -- the auditorium at Pessac (B3) -----------------------------------------------------------


class AuditoriumReserved(PartnerEvent):
    """A date and time range of the auditorium at the Pessac site is taken (B3): it is not
    available then. Times are the site's wall-clock time (Europe/Paris). Who booked it and
    for what price is not said."""

    event_type: ClassVar[str] = "AuditoriumReserved"
    sources: ClassVar[tuple[str, ...]] = ("AuditoriumBooked",)
    routing_stem: ClassVar[str] = "auditorium.reserved"

    reservation_id: UUID
    resource_id: UUID
    resource_name: str
    day: date
    starts_at: time
    ends_at: time


class AuditoriumReleased(PartnerEvent):
    """A reservation of the auditorium was cancelled: its date and time range is available
    again."""

    event_type: ClassVar[str] = "AuditoriumReleased"
    sources: ClassVar[tuple[str, ...]] = ("BookingCancelled",)
    routing_stem: ClassVar[str] = "auditorium.released"

    reservation_id: UUID
    resource_id: UUID
    resource_name: str
    day: date
    starts_at: time
    ends_at: time


PARTNER_EVENTS: tuple[type[PartnerEvent], ...] = (
    MemberStatusChanged,
    MemberEstablishmentAdded,
    MemberEstablishmentRemoved,
    TrainingSessionScheduled,
    TrainingSessionPlacesChanged,
    TrainingSessionCancelled,
    TrainingAttendanceRecorded,
    AuditoriumReserved,
    AuditoriumReleased,
)

#: The partner events by type and version: a registry of their own, apart from the internal one.
PARTNER_REGISTRY = EventRegistry(list(PARTNER_EVENTS))
