"""The finance team's tools: reconciliation (F6), exports (F7), the overdue run (F4), and the
customers billing knows (F1, F8)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from billing.api.deps import (
    BackOffice,
    Finance,
    PeriodEnd,
    PeriodStart,
    Reader,
    Runtime,
    SirenFilter,
    SirenPath,
    Year,
    check_period,
    scope_of,
)
from billing.api.schemas import CustomerAccountOut, OverdueOut, ReconciliationOut
from billing.reports import fec_export, invoices_csv, payments_csv, reconciliation
from billing.repositories.records import CustomerFilter
from billing.scheduler import run_overdue
from shared.errors import InvalidInput, NotFound
from shared.openapi import problem_responses
from shared.pagination import Page, Paging

router = APIRouter(tags=["finance"])
#: A malformed parameter, or a period that ends before it starts or spans over ten years.
_VALIDATION = problem_responses({422: ["validation"]})


@router.get("/reconciliation", summary="Reconciliation of a period (F6)", responses=_VALIDATION)
async def get_reconciliation(
    runtime: Runtime, caller: BackOffice, start: PeriodStart, end: PeriodEnd
) -> ReconciliationOut:
    check_period(start, end)
    async with runtime.uow() as uow:
        report = await reconciliation(uow, start, end)

    def bucket(b: Any) -> dict[str, Any]:
        return {"count": b.count, "amount": b.amount}

    return ReconciliationOut(
        period={"from": report.period_start, "to": report.period_end},
        as_of=report.as_of,
        invoices={k: bucket(v) for k, v in report.invoices.items()},
        invoice_rows=report.invoice_rows,
        payments={k: bucket(v) for k, v in report.payments.items()},
        unmatched_payments=[
            {
                "payment_id": p.payment_id,
                "bank_reference": p.bank_reference,
                "received_on": p.received_on,
                "amount": p.amount,
                "unallocated": p.unallocated,
            }
            for p in report.unmatched_payments
        ],
        credit_notes=[asdict(c) for c in report.credit_notes],
        totals=report.totals,
        consistent=report.consistent,
        mismatches=[asdict(m) for m in report.mismatches],
    )


@router.post(
    "/overdue/run",
    summary="Mark invoices past due on a date as overdue (F4)",
    responses=_VALIDATION,
)
async def run_overdue_now(
    runtime: Runtime,
    caller: Finance,
    as_of: Annotated[date | None, Query(description="The day to run for (default: today)")] = None,
) -> OverdueOut:
    today = runtime.clock.today()
    day = as_of or today
    if day > today:
        # marking is final (InvoiceOverdue is published): a future day would mark in advance
        raise InvalidInput(
            f"Invoices can be marked overdue up to today ({today}), not on {day}.",
        )
    return OverdueOut(as_of=day, marked=await run_overdue(runtime, day))


@router.get(
    "/exports/fec/{year}",
    summary="The FEC of a fiscal year (F7)",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}, **_VALIDATION},
)
async def export_fec(year: Year, runtime: Runtime, caller: BackOffice) -> Response:
    async with runtime.uow() as uow:
        name, text = await fec_export(uow, year)
    return Response(
        text.encode("utf-8"),
        media_type="text/plain; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _csv_response(text: str, name: str) -> Response:
    return Response(
        text.encode("utf-8"),
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
    "/customers",
    summary="Customers (main structures) by name; a member: its own",
    responses=problem_responses({404: ["not_found"]}),
)
async def list_customers(
    runtime: Runtime,
    caller: Reader,
    page: Paging,
    name: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            pattern=r"^[^\x00]+$",
            description="Part of the legal name, any case",
        ),
    ] = None,
    siren: SirenFilter = None,
    public_body: Annotated[
        bool | None, Query(description="Public bodies (invoiced through Chorus Pro, F8)")
    ] = None,
) -> Page[CustomerAccountOut]:
    where = CustomerFilter(name=name, siren=scope_of(caller, siren), public_body=public_body)
    async with runtime.uow() as uow:
        found = await uow.projections.page_customers(where, limit=page.limit, offset=page.offset)
    return Page.of(found.items, found.total, page, CustomerAccountOut.of)


@router.get(
    "/customers/{siren}",
    summary="A customer (main structure) as billing knows it; a member: its own",
    responses=problem_responses({404: ["not_found"]}),
)
async def get_customer(siren: SirenPath, runtime: Runtime, caller: Reader) -> CustomerAccountOut:
    caller.ensure_structure(siren, "Customer")
    async with runtime.uow() as uow:
        customer = await uow.projections.get_customer(siren)
    if customer is None:
        raise NotFound("Customer", siren)
    return CustomerAccountOut.of(customer)
