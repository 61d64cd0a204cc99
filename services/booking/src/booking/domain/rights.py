"""Who may book what (B2, B3, B4, B6), from the structure's member status on the booking's day."""

from __future__ import annotations

from booking.domain.resources import Resource, ResourceKind
from shared.errors import RuleViolated
from shared.projections.member_status import MemberStatus

#: The rule that decides who may book each kind of resource.
RULE_OF_KIND = {
    ResourceKind.MEETING_ROOM: "B2",
    ResourceKind.AUDITORIUM: "B3",
    ResourceKind.LAB_STUDIO: "B6",
}


def refusal(status: MemberStatus, kind: ResourceKind) -> str | None:
    """Why the structure may not hold a booking of ``kind`` on ``status.day``, else None."""
    day = status.day.isoformat()
    if not status.member:
        return f"The structure is not a member on {day}."
    if kind is ResourceKind.LAB_STUDIO:
        if not status.training_organisation:
            return "The Lab Studio is for training organisations only."
        return None
    if not status.premium:
        what = "Meeting rooms" if kind is ResourceKind.MEETING_ROOM else "The auditorium"
        return f"{what} can be booked by premium members only; the structure is {status.plan}."
    return None


def check_rights(status: MemberStatus, resource: Resource) -> None:
    """B2/B3: premium members (rooms, auditorium); B6: member training organisations (studio);
    B4: where the resource says so, a training organisation needs a valid Qualiopi
    certificate on the day (M9: an expired certificate counts as none)."""
    reason = refusal(status, resource.kind)
    if reason is not None:
        raise RuleViolated(RULE_OF_KIND[resource.kind], reason)
    if resource.requires_qualiopi and status.training_organisation and not status.qualiopi_valid():
        raise RuleViolated(
            "B4",
            f"{resource.name} needs a Qualiopi certificate valid on {status.day.isoformat()} "
            "for a training organisation.",
        )


def entitled(status: MemberStatus, kind: ResourceKind) -> bool:
    return refusal(status, kind) is None
