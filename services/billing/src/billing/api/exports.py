"""The accounting exports (F7) and the Chorus Pro deposit (F8), for finance and staff."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from billing.api.deps import (
    BackOffice,
    Finance,
    PeriodEnd,
    PeriodStart,
    Runtime,
    Year,
    check_period,
)
from billing.reports.chorus import chorus_export
from billing.reports.exports import fec_export, invoices_csv, payments_csv
from shared.openapi import problem_responses

router = APIRouter(tags=["exports"])
#: A malformed parameter, or a period that ends before it starts or spans over ten years.
_VALIDATION = problem_responses({422: ["validation"]})


@router.get(
    "/exports/fec/{year}",
    summary="The FEC of a fiscal year (F7)",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {}}},
        **problem_responses({422: ["validation", "F7"]}),
    },
)
async def export_fec(year: Year, runtime: Runtime, caller: BackOffice) -> Response:
    async with runtime.uow() as uow:
        name, text = await fec_export(uow, year)
    return Response(
        text.encode("utf-8"),
        media_type="text/plain; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _csv_response(content: bytes, name: str) -> Response:
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/exports/invoices.csv",
    summary="Invoices of a period as CSV (F7)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **_VALIDATION},
)
async def export_invoices(
    runtime: Runtime, caller: BackOffice, start: PeriodStart, end: PeriodEnd
) -> Response:
    check_period(start, end)
    async with runtime.uow() as uow:
        text = await invoices_csv(uow, start, end)
    return _csv_response(text, f"factures_{start:%Y%m%d}_{end:%Y%m%d}.csv")


@router.get(
    "/exports/payments.csv",
    summary="Payments of a period as CSV (F7)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **_VALIDATION},
)
async def export_payments(
    runtime: Runtime, caller: BackOffice, start: PeriodStart, end: PeriodEnd
) -> Response:
    check_period(start, end)
    async with runtime.uow() as uow:
        text = await payments_csv(uow, start, end)
    return _csv_response(text, f"reglements_{start:%Y%m%d}_{end:%Y%m%d}.csv")


@router.get(
    "/exports/chorus-pro",
    summary="The public bodies' Factur-X documents issued in a period, zipped with their "
    "manifest, to deposit on Chorus Pro (F8)",
    response_class=Response,
    responses={
        200: {"content": {"application/zip": {}}},
        **problem_responses({422: ["validation", "F8"]}),
    },
)
async def export_chorus_pro(
    runtime: Runtime,
    caller: Finance,
    issued_from: Annotated[date, Query(description="Issued on or after this day")],
    issued_to: Annotated[date, Query(description="Issued on or before this day")],
) -> Response:
    check_period(issued_from, issued_to)
    name, content = await chorus_export(runtime, issued_from, issued_to)
    return Response(
        content,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
