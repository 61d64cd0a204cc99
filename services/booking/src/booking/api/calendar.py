"""The opening calendar (B8) and the yearly terms (B2, B3, B4, B6)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from booking.api.deps import Reader, Runtime, Staff, Weekday, Year
from booking.api.schemas import (
    ClosureIn,
    ClosureOut,
    Day,
    HolidayOut,
    OpeningHoursIn,
    OpeningHoursOut,
    PolicyIn,
    PolicyOut,
)
from booking.domain.opening import OpeningHours, french_holidays
from booking.domain.policy import MAX_YEAR, MIN_YEAR, YearPolicy
from booking.handlers import catalogue
from shared.openapi import problem_responses

router = APIRouter(tags=["calendar"])

YearQuery = Annotated[int, Query(ge=MIN_YEAR, le=MAX_YEAR)]


@router.get("/calendar/opening-hours", response_model=list[OpeningHoursOut])
async def opening_hours(runtime: Runtime, caller: Reader) -> list[OpeningHoursOut]:
    """The hours of each working day; a weekday not listed is closed (B8)."""
    async with runtime.uow() as uow:
        hours = await uow.calendar.opening_hours()
    return [OpeningHoursOut.of(h) for h in hours.values()]


@router.put(
    "/calendar/opening-hours/{weekday}",
    response_model=OpeningHoursOut,
    responses=problem_responses({409: ["B8"], 422: ["B8"]}),
)
async def set_opening_hours(
    weekday: Weekday, body: OpeningHoursIn, runtime: Runtime, caller: Staff
) -> OpeningHoursOut:
    hours = OpeningHours(weekday, body.opens_at, body.closes_at)
    async with runtime.transaction() as uow:
        await catalogue.set_opening_hours(uow, hours)
    return OpeningHoursOut.of(hours)


@router.delete(
    "/calendar/opening-hours/{weekday}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses({404: ["not_found"], 409: ["B8"]}),
)
async def close_weekday(weekday: Weekday, runtime: Runtime, caller: Staff) -> Response:
    """The site no longer opens on that weekday."""
    async with runtime.transaction() as uow:
        await catalogue.close_weekday(uow, weekday)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/calendar/closures", response_model=list[ClosureOut])
async def closures(
    runtime: Runtime,
    caller: Reader,
    starts_on: Annotated[Day, Query(alias="from", description="First day (years 2020-2100)")],
    ends_on: Annotated[Day, Query(alias="to", description="Last day (years 2020-2100)")],
    resource_id: Annotated[UUID | None, Query(description="The site's and this one's")] = None,
) -> list[ClosureOut]:
    async with runtime.uow() as uow:
        found = await uow.calendar.closures(
            starts_on=starts_on, ends_on=ends_on, resource_id=resource_id
        )
    return [ClosureOut(**vars(c)) for c in found]


@router.post(
    "/calendar/closures",
    status_code=status.HTTP_201_CREATED,
    response_model=ClosureOut,
    responses=problem_responses({404: ["not_found"], 409: ["B8"], 422: ["B8"]}),
)
async def add_closure(body: ClosureIn, runtime: Runtime, caller: Staff) -> ClosureOut:
    """Close the site or one resource for days (both ends included)."""
    async with runtime.transaction() as uow:
        closure = await catalogue.add_closure(
            uow,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
            reason=body.reason,
            resource_id=body.resource_id,
            created_by=caller.principal.subject,
        )
    return ClosureOut(**vars(closure))


@router.delete(
    "/calendar/closures/{closure_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses({404: ["not_found"]}),
)
async def remove_closure(closure_id: UUID, runtime: Runtime, caller: Staff) -> Response:
    async with runtime.transaction() as uow:
        await catalogue.remove_closure(uow, closure_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/calendar/holidays/{year}", response_model=list[HolidayOut])
async def holidays(year: Year, caller: Reader) -> list[HolidayOut]:
    """The French public holidays of a year: no booking on them (B8)."""
    return [HolidayOut(date=d, name=name) for d, name in french_holidays(year)]


@router.get("/policies", response_model=list[PolicyOut])
async def policies(runtime: Runtime, caller: Reader) -> list[PolicyOut]:
    async with runtime.uow() as uow:
        return [PolicyOut.of(p) for p in await uow.policies.all()]


@router.get(
    "/policies/{year}", response_model=PolicyOut, responses=problem_responses({404: ["not_found"]})
)
async def policy(year: Year, runtime: Runtime, caller: Reader) -> PolicyOut:
    async with runtime.uow() as uow:
        return PolicyOut.of(await catalogue.policy(uow, year))


@router.put(
    "/policies/{year}",
    response_model=PolicyOut,
    responses=problem_responses({422: ["B2", "B3", "B4", "B6"]}),
)
async def put_policy(year: Year, body: PolicyIn, runtime: Runtime, caller: Staff) -> PolicyOut:
    """Set a year's terms: credits (B2), auditorium price (B3), pattern weeks (B4), studio
    slots (B6). Bookings already made keep the price they were taken at."""
    policy = YearPolicy(year=year, **body.model_dump())
    async with runtime.transaction() as uow:
        await catalogue.put_policy(uow, policy, caller.principal.subject)
    return PolicyOut.of(policy)
