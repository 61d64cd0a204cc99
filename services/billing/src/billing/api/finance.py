"""The finance team's tools: reconciliation (F6), exports (F7), the overdue run (F4)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Response

from billing.api.deps import BackOffice, Finance, Runtime, SirenPath
from billing.api.schemas import OverdueOut, ReconciliationOut
from billing.reports import fec_export, invoices_csv, payments_csv, reconciliation
from billing.scheduler import run_overdue
from shared.problems import NotFound, Problem

router = APIRouter(tags=["finance"])


def _period(start: date, end: date) -> None:
    if start > end:
        raise Problem(
            422,
            "validation",
            "Invalid period",
            f"The period starts ({start}) after it ends ({end}).",
        )
    if (end - start).days > 3660:
        raise Problem(422, "validation", "Invalid period", "A period is at most ten years.")


@router.get("/reconciliation", summary="Reconciliation of a period (F6)")
async def get_reconciliation(
    runtime: Runtime,
    caller: BackOffice,
    start: date = Query(alias="from"),
    end: date = Query(alias="to"),
) -> ReconciliationOut:
    _period(start, end)
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


@router.post("/overdue/run", summary="Mark invoices past due on a date as overdue (F4)")
async def run_overdue_now(
    runtime: Runtime,
    caller: Finance,
    as_of: date | None = Query(default=None, description="default: today"),
) -> OverdueOut:
    today = runtime.clock.today()
    day = as_of or today
    if day > today:
        # marking is final (InvoiceOverdue is published): a future day would mark in advance
        raise Problem(
            422,
            "validation",
            "Date in the future",
            f"Invoices can be marked overdue up to today ({today}), not on {day}.",
        )
    return OverdueOut(as_of=day, marked=await run_overdue(runtime.uow, day))


@router.get(
    "/exports/fec/{year}",
    summary="The FEC of a fiscal year (F7)",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}},
)
async def export_fec(year: int, runtime: Runtime, caller: BackOffice) -> Response:
    if not 2000 <= year <= 2100:
        raise Problem(422, "validation", "Invalid year", f"{year} is not a fiscal year we keep.")
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
    "/exports/invoices.csv", summary="Invoices of a period as CSV (F7)", response_class=Response
)
async def export_invoices(
    runtime: Runtime,
    caller: BackOffice,
    start: date = Query(alias="from"),
    end: date = Query(alias="to"),
) -> Response:
    _period(start, end)
    async with runtime.uow() as uow:
        text = await invoices_csv(uow, start, end)
    return _csv_response(text, f"factures_{start:%Y%m%d}_{end:%Y%m%d}.csv")


@router.get(
    "/exports/payments.csv", summary="Payments of a period as CSV (F7)", response_class=Response
)
async def export_payments(
    runtime: Runtime,
    caller: BackOffice,
    start: date = Query(alias="from"),
    end: date = Query(alias="to"),
) -> Response:
    _period(start, end)
    async with runtime.uow() as uow:
        text = await payments_csv(uow, start, end)
    return _csv_response(text, f"reglements_{start:%Y%m%d}_{end:%Y%m%d}.csv")


@router.get("/customers/{siren}", summary="A customer (main structure) as billing knows it")
async def get_customer(siren: SirenPath, runtime: Runtime, caller: BackOffice) -> dict[str, Any]:
    async with runtime.uow() as uow:
        customer = await uow.billing.get_customer(siren)
    if customer is None:
        raise NotFound("Customer", siren)
    return customer
