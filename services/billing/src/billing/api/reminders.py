"""Reminders of overdue invoices (F3, F6): the run, and each invoice's reminders and letters."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from billing.api.deps import (
    FILE_RESPONSES,
    Finance,
    InvoiceRef,
    Reader,
    Runtime,
    file_response,
    find_invoice,
)
from billing.api.schemas import ReminderOut, RemindersRunOut
from billing.production import stored_file
from billing.scheduler import run_reminders
from billing.use_cases.reminders import reminder_number
from shared.errors import InvalidInput, NotFound
from shared.openapi import problem_responses

router = APIRouter(tags=["reminders"])


@router.post(
    "/reminders/run",
    summary="Send the reminders of overdue invoices due on a date, each level once (F3, F6)",
    responses=problem_responses({422: ["validation"]}),
)
async def run_reminders_now(
    runtime: Runtime,
    caller: Finance,
    as_of: Annotated[date | None, Query(description="The day to run for (default: today)")] = None,
) -> RemindersRunOut:
    today = runtime.clock.today()
    day = as_of or today
    if day > today:
        # a reminder is final (InvoiceReminderSent is published): not for a day to come
        raise InvalidInput(f"Reminders are sent up to today ({today}), not on {day}.")
    return RemindersRunOut(as_of=day, sent=await run_reminders(runtime, day))


@router.get(
    "/invoices/{ref}/reminders",
    summary="The reminders sent of an invoice, in the order of the schedule",
    responses=problem_responses({404: ["not_found"]}),
)
async def list_reminders(ref: InvoiceRef, runtime: Runtime, caller: Reader) -> list[ReminderOut]:
    async with runtime.uow() as uow:
        invoice = await find_invoice(uow, ref, caller)
        sent = await uow.reminders.of_invoice(invoice.id)
    return [ReminderOut.of(r, reminder_number(invoice.number, r.level)) for r in sent]


@router.get(
    "/invoices/{ref}/reminders/{level}/pdf",
    summary="A reminder's letter (PDF/A-3), as made once when sent",
    response_class=Response,
    responses={**FILE_RESPONSES, **problem_responses({404: ["not_found"]})},
)
async def get_reminder_pdf(
    ref: InvoiceRef,
    level: Annotated[int, Path(ge=1, le=20, description="The level of the schedule")],
    request: Request,
    runtime: Runtime,
    caller: Reader,
) -> Response:
    async with runtime.uow() as uow:
        invoice = await find_invoice(uow, ref, caller)
        sent = {r.level: r for r in await uow.reminders.of_invoice(invoice.id)}
        if level not in sent:
            raise NotFound("Reminder", reminder_number(invoice.number, level))
        document = await uow.documents.get_document(sent[level].id, content=False)
    assert document is not None
    return file_response(await stored_file(runtime, document), request)
