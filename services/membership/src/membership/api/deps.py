"""What every route needs: the runtime, the caller's scope, identifiers from the path."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Path, Query, Request

from membership.domain.identifiers import parse_siren
from membership.domain.plans import MAX_YEAR, MIN_YEAR
from membership.service import MembershipRuntime
from shared.auth import Caller, Role, require_roles
from shared.errors import NotFound


def get_runtime(request: Request) -> MembershipRuntime:
    return cast(MembershipRuntime, request.app.state.runtime)


Runtime = Annotated[MembershipRuntime, Depends(get_runtime)]

#: Anyone authenticated may read, a member only its own structure (checked per route).
Reader = Annotated[
    Caller, Depends(require_roles(Role.MEMBER, Role.STAFF, Role.BOARD, Role.FINANCE))
]
#: A member acting for its own structure, or staff.
Actor = Annotated[Caller, Depends(require_roles(Role.MEMBER, Role.STAFF))]
Board = Annotated[Caller, Depends(require_roles(Role.BOARD))]
BoardOrStaff = Annotated[Caller, Depends(require_roles(Role.BOARD, Role.STAFF))]
Staff = Annotated[Caller, Depends(require_roles(Role.STAFF))]


SIREN_PATTERN = r"^\d{9}$"
SIRET_PATTERN = r"^\d{14}$"


def valid_siren(
    siren: Annotated[str, Path(pattern=SIREN_PATTERN, description="SIREN: 9 digits, Luhn-valid")],
) -> str:
    """The SIREN of the path: 9 digits by the schema, Luhn-valid by M1."""
    return parse_siren(siren)


Siren = Annotated[str, Depends(valid_siren)]

#: A SIRET in the path (its Luhn check is M1's, in the use case).
Siret = Annotated[str, Path(pattern=SIRET_PATTERN, description="SIRET: 14 digits")]

#: A SIREN, or the SIRET of one of its establishments, in the path.
SirenOrSiret = Annotated[
    str,
    Path(pattern=r"^(\d{9}|\d{14})$", description="A SIREN (9 digits) or a SIRET (14 digits)"),
]

#: A year in the path, within the range the rules accept.
Year = Annotated[int, Path(ge=MIN_YEAR, le=MAX_YEAR)]
#: A year in the query string, within the same range.
YearQuery = Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR)]


def ensure_can_read(caller: Caller, siren: str) -> None:
    """X3: staff, the board and finance read every structure; a member only its own, and
    another structure's data is answered as if it did not exist (404)."""
    caller.ensure_structure(siren)


def ensure_can_act(caller: Caller, siren: str) -> None:
    """X3: staff act for any structure, a member for its own; another structure is a 404, as
    when reading. A member's token that also holds a reading role (board, finance) still acts
    only for its own SIREN."""
    if caller.has(Role.STAFF):
        return
    caller.ensure_structure(siren)
    if caller.siren != siren:
        raise NotFound("Structure", siren)
