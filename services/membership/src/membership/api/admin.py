"""Staff operations: tariffs (M2, M10), the renewal campaign (M8), the lapse run (M4)."""

from __future__ import annotations

from fastapi import APIRouter

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
from membership.domain.plans import Tariff
from membership.domain.validity import check_lapse_day
from membership.use_cases import campaign, lapses, tariffs
from shared.errors import NotFound
from shared.openapi import problem_responses

router = APIRouter(tags=["administration"])


@router.get("/tariffs", response_model=list[TariffOut])
async def list_tariffs(runtime: Runtime, caller: Reader) -> list[TariffOut]:
    async with runtime.uow() as uow:
        records = await uow.dues.tariffs()
    return [TariffOut.model_validate(r) for r in records]


@router.get(
    "/tariffs/{year}", response_model=TariffOut, responses=problem_responses({404: ["not_found"]})
)
async def tariff(year: Year, runtime: Runtime, caller: Reader) -> TariffOut:
    async with runtime.uow() as uow:
        record = await uow.dues.tariff(year)
    if record is None:
        raise NotFound("Tariff for year", year)
    return TariffOut.model_validate(record)


@router.put("/tariffs/{year}", response_model=TariffOut, responses=problem_responses({422: ["M2"]}))
async def put_tariff(year: Year, body: TariffIn, runtime: Runtime, caller: Staff) -> TariffOut:
    """Set the dues of a year (M2) and the upgrade difference (M10); invoiced amounts keep
    the tariff they were computed with."""
    values = Tariff(year=year, simple=body.simple, premium=body.premium, upgrade=body.upgrade)
    async with runtime.transaction() as uow:
        record = await tariffs.set_tariff(uow, values, caller.principal.subject)
    return TariffOut.model_validate(record)


@router.post(
    "/campaigns/{year}",
    response_model=CampaignOut,
    responses=problem_responses({422: ["M2", "M8"]}),
)
async def run_campaign(year: Year, runtime: Runtime, caller: Staff) -> CampaignOut:
    """M8: call for dues for ``year``, one per main structure of the year before's members;
    running it again creates only the calls not made yet."""
    async with runtime.transaction() as uow:
        result = await campaign.run_campaign(uow, year, caller.principal.subject)
    return CampaignOut(year=result.year, calls_created=result.created, calls_total=result.total)


@router.get(
    "/campaigns/{year}/calls",
    response_model=list[DuesCallOut],
    responses=problem_responses({404: ["not_found"]}),
)
async def campaign_calls(year: Year, runtime: Runtime, caller: Staff) -> list[DuesCallOut]:
    async with runtime.uow() as uow:
        if await uow.dues.campaign(year) is None:
            raise NotFound("Renewal campaign", year)
        records = await uow.dues.calls(year)
    return [DuesCallOut.model_validate(r) for r in records]


@router.post("/lapses/run", response_model=LapseRunOut, responses=problem_responses({422: ["M4"]}))
async def run_lapses(body: LapseRunIn, runtime: Runtime, caller: Staff) -> LapseRunOut:
    """M4: lapse what has ended by a day (today by default): catches up a missed day."""
    today = runtime.clock.today()
    on = body.on or today
    check_lapse_day(on, today)
    async with runtime.transaction() as uow:
        lapsed = await lapses.run_lapses(uow, on)
    return LapseRunOut(on=on, lapsed=[LapsedOut.model_validate(x) for x in lapsed])
