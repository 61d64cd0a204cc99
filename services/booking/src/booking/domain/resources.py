"""The bookable resources of the Pessac site (B1): meeting rooms, the auditorium, the Lab Studio."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from shared.errors import RuleViolated

#: Where every resource is: the Centre Régional Vincent Merle, Pessac.
SITE = "Centre Régional Vincent Merle, Pessac"
MAX_CAPACITY = 2000


class ResourceKind(StrEnum):
    MEETING_ROOM = "meeting_room"
    AUDITORIUM = "auditorium"
    LAB_STUDIO = "lab_studio"


@dataclass(frozen=True)
class Resource:
    id: UUID
    name: str
    kind: ResourceKind
    capacity: int
    equipment: tuple[str, ...]
    #: B4: a training organisation needs a valid Qualiopi certificate to book it.
    requires_qualiopi: bool
    #: Staff take a resource out of booking without deleting its history.
    active: bool
    description: str | None
    version: int


def check_capacity(capacity: int) -> None:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise RuleViolated("B1", f"A capacity is between 1 and {MAX_CAPACITY} people.")


def check_bookable_resource(resource: Resource) -> None:
    """B1: only a resource staff keep open for booking."""
    if not resource.active:
        raise RuleViolated("B1", f"{resource.name} is not open for booking at the moment.")


def check_attendance(resource: Resource, attendance: int, parking_passes: int) -> None:
    """B1: the attendance estimate fits the resource; B7: at most one parking pass a person."""
    if attendance < 1:
        raise RuleViolated("B1", "The attendance estimate is at least one person.")
    if attendance > resource.capacity:
        raise RuleViolated(
            "B1",
            f"{resource.name} holds {resource.capacity} people; {attendance} are expected.",
            capacity=resource.capacity,
        )
    if not 0 <= parking_passes <= attendance:
        raise RuleViolated(
            "B7", "Parking passes are between none and one per expected participant."
        )
