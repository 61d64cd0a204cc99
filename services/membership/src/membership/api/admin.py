"""Staff operations: tariffs (M2, M10), the renewal campaign (M8), the lapse run (M4)."""

from __future__ import annotations

from fastapi import APIRouter

from membership import handlers
from membership.api.deps import Reader, Runtime, Staff, Year
from membership.api.schemas import (
    CampaignOut,
    DuesCallOut,
    LapsedOut,
    LapseRunIn,
    LapseRunOut,
    TariffIn,
    TariffOut,
)
from membership.domain.errors import NotFoundError
from membership.domain.plans import Tariff
from membership.domain.validity import check_lapse_day

router = APIRouter(tags=["administration"])


@router.get("/tariffs", response_model=list[TariffOut])
async def tariffs(runtime: Runtime, caller: Reader) -> list[TariffOut]:
    async with runtime.uow() as uow:
        rows = await uow.repo.tariffs()
    return [TariffOut.model_validate(dict(r)) for r in rows]


@router.get("/tariffs/{year}", response_model=TariffOut)
async def tariff(year: Year, runtime: Runtime, caller: Reader) -> TariffOut:
    async with runtime.uow() as uow:
        row = await uow.repo.tariff(year)
    if row is None:
        raise NotFoundError("Tariff for year", year)
    return TariffOut.model_validate(dict(row))


@router.put("/tariffs/{year}", response_model=TariffOut)
async def put_tariff(year: Year, body: TariffIn, runtime: Runtime, caller: Staff) -> TariffOut:
    """Set the dues of a year (M2) and the upgrade difference (M10); invoiced amounts keep
    the tariff they were computed with."""
    values = Tariff(year=year, simple=body.simple, premium=body.premium, upgrade=body.upgrade)
    async with runtime.uow() as uow:
        await handlers.set_tariff(uow, values, caller.principal.subject, runtime.clock.now())
    return await tariff(year, runtime, caller)


@router.post("/campaigns/{year}", response_model=CampaignOut)
async def run_campaign(year: Year, runtime: Runtime, caller: Staff) -> CampaignOut:
    """M8: call for dues for ``year``, one per main structure of the year before's members;
    running it again creates only the calls not made yet."""
    async with runtime.uow() as uow:
        result = await handlers.run_campaign(
            uow, year, caller.principal.subject, runtime.clock.now()
        )
    return CampaignOut(year=result.year, calls_created=result.created, calls_total=result.total)


@router.get("/campaigns/{year}/calls", response_model=list[DuesCallOut])
async def campaign_calls(year: Year, runtime: Runtime, caller: Staff) -> list[DuesCallOut]:
    async with runtime.uow() as uow:
        if await uow.repo.campaign(year) is None:
            raise NotFoundError("Renewal campaign", year)
        rows = await uow.repo.calls(year)
    return [DuesCallOut.model_validate(dict(r)) for r in rows]


@router.post("/lapses/run", response_model=LapseRunOut)
async def run_lapses(body: LapseRunIn, runtime: Runtime, caller: Staff) -> LapseRunOut:
    """M4: lapse what has ended by a day (today by default): catches up a missed day."""
    today = runtime.clock.today()
    on = body.on or today
    check_lapse_day(on, today)
    lapsed = await handlers.run_lapses(runtime.uow, on, runtime.clock.now())
    return LapseRunOut(on=on, lapsed=[LapsedOut.model_validate(vars(x)) for x in lapsed])
