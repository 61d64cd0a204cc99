"""What every route needs: the runtime, the caller's role and scope, bounded parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from booking.domain.policy import MAX_YEAR, MIN_YEAR
from booking.service import BookingRuntime
from shared.auth import Caller, Role, require_roles
from shared.auth.dependencies import authenticated


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


_bearer = HTTPBearer(auto_error=False, description="A JWT issued for the Cap Métiers platform")
_may_read = require_roles(Role.MEMBER, Role.STAFF, Role.BOARD, Role.FINANCE)


@dataclass(frozen=True)
class FeedAccess:
    """Who opens a calendar feed: a signed-in reader, or whoever holds its link's token."""

    caller: Caller | None = None
    token: str | None = None


async def feed_access(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    token: Annotated[
        str | None,
        Query(
            max_length=200,
            description="The token of the feed's subscription link, instead of a bearer token "
            "(calendar applications send none); a wrong one is a 404",
        ),
    ] = None,
) -> FeedAccess:
    if token is not None:
        return FeedAccess(token=token)
    return FeedAccess(caller=await _may_read(await authenticated(request, credentials)))


Feed = Annotated[FeedAccess, Depends(feed_access)]
