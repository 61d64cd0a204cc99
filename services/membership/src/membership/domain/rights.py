"""What member status gives (M2, M7, M9, M11): the rights of a structure at a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from membership.domain.plans import Plan
from membership.domain.validity import StatusAt


@dataclass(frozen=True)
class Rights:
    parcourspro: bool = False
    innovation_lab: bool = False
    lab_studio: bool = False
    room_booking: bool = False
    extranet: bool = False


def qualiopi_valid(valid_until: date | None, on: date) -> bool:
    """M9: an expired certificate counts as none."""
    return valid_until is not None and on <= valid_until


def rights_for(
    status: StatusAt,
    *,
    training_organisation: bool,
    qualiopi_valid_until: date | None,
    on: date,
) -> Rights:
    """Every member (active or in grace) gets ParcoursPro, the innovation lab and the extranet
    (M11); premium adds room booking (M2); the Lab Studio is for training organisations with a
    valid Qualiopi certificate (M9)."""
    if not status.has_member_status:
        return Rights()
    return Rights(
        parcourspro=True,
        innovation_lab=True,
        lab_studio=training_organisation and qualiopi_valid(qualiopi_valid_until, on),
        room_booking=status.plan is Plan.PREMIUM,
        extranet=True,
    )
