"""The finance team's tools: reconciliation (F6) and the overdue run (F4)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from billing.api.deps import (
    BackOffice,
    Finance,
    PeriodEnd,
    PeriodStart,
    Runtime,
    check_period,
)
from billing.api.schemas import OverdueOut, ReconciliationOut
from billing.reports.reconciliation import reconciliation
from billing.scheduler import run_overdue
from shared.errors import InvalidInput
from shared.openapi import problem_responses

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
        overdue=report.overdue,
        documents_waiting=report.documents_waiting,
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
