"""``GET /member-rights/{siren}?on=``: what a service's member-rights projection says of a
structure on a day, the status its own decisions read (T2, B2, B3, B6).

Training and booking decide alone from their projection of membership's events; this read shows
that projection, so that staff (and a member, for its own structure) can see why a request was
refused, and a test can check that every service agrees with membership's ``/rights``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel

from shared.auth import Caller, Role, require_roles
from shared.openapi import problem_responses
from shared.projections.member_rights import MemberRights

#: Any role; a member only for its own structure (checked in the route).
Reader = Annotated[
    Caller, Depends(require_roles(Role.MEMBER, Role.STAFF, Role.BOARD, Role.FINANCE))
]
Siren = Annotated[str, Path(pattern=r"^\d{9}$", description="The structure's SIREN")]


class MemberRightsOut(BaseModel):
    siren: str
    on: date
    #: Active or in grace (M4) on ``on``, by the membership events received so far.
    member: bool
    plan: str | None
    in_grace: bool
    #: The last day of status the events announce (grace included).
    until: date | None
    training_organisation: bool
    qualiopi_valid_until: date | None


def member_rights_router() -> APIRouter:
    """The route, for a service whose runtime is ``app.state.runtime`` and whose unit of work
    has the projection's tables on its ``connection``."""
    router = APIRouter(tags=["member rights"])

    @router.get(
        "/member-rights/{siren}",
        response_model=MemberRightsOut,
        responses=problem_responses({404: ["not_found"]}),
    )
    async def member_rights(
        request: Request,
        siren: Siren,
        caller: Reader,
        on: Annotated[date | None, Query(description="The day (default: today)")] = None,
    ) -> MemberRightsOut:
        """The structure's status on a day as this service knows it from membership's events
        (a member: its own structure only, X3)."""
        caller.ensure_structure(siren)
        runtime = cast(Any, request.app.state.runtime)
        day = on or runtime.clock.today()
        async with runtime.uow() as uow:
            status = await MemberRights(uow.connection).status_on(siren, day)
        return MemberRightsOut(
            siren=siren,
            on=day,
            member=status.member,
            plan=status.plan,
            in_grace=status.in_grace,
            until=status.until,
            training_organisation=status.training_organisation,
            qualiopi_valid_until=status.qualiopi_valid_until,
        )

    return router
