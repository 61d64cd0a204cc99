"""What every route needs: the runtime, the caller's role and scope, bounded parameters."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Path, Request

from booking.domain.policy import MAX_YEAR, MIN_YEAR
from booking.service import BookingRuntime
from shared.auth import Caller, Role, require_roles


def get_runtime(request: Request) -> BookingRuntime:
    return cast(BookingRuntime, request.app.state.runtime)


Runtime = Annotated[BookingRuntime, Depends(get_runtime)]

#: Anyone signed in reads; a member only its own structure's bookings (X3).
Reader = Annotated[
    Caller, Depends(require_roles(Role.MEMBER, Role.STAFF, Role.BOARD, Role.FINANCE))
]
#: A member acting for its own structure, or staff for any.
Actor = Annotated[Caller, Depends(require_roles(Role.MEMBER, Role.STAFF))]
Staff = Annotated[Caller, Depends(require_roles(Role.STAFF))]

SIREN_PATTERN = r"^\d{9}$"
Siren = Annotated[str, Path(pattern=SIREN_PATTERN, description="The structure's SIREN")]
Year = Annotated[int, Path(ge=MIN_YEAR, le=MAX_YEAR)]
Weekday = Annotated[int, Path(ge=1, le=5, description="ISO weekday, Monday = 1")]


def scope_of(caller: Caller) -> str | None:
    """The SIREN a caller is limited to (X3), None for staff, the board and finance."""
    return None if caller.sees_every_structure() else (caller.siren or "")
