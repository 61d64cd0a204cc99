"""Calendar-driven work of the billing worker: overdue invoices (F4) and reminders (F3, F6),
each idempotent when re-run."""

from __future__ import annotations

import argparse
import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from billing.use_cases.overdue import mark_overdue_batch
from billing.use_cases.reminders import send_reminders_batch
from shared.runtime import Command, ServiceRuntime, UsageError

if TYPE_CHECKING:
    from billing.service import BillingRuntime

log = logging.getLogger(__name__)
BATCH = 200
REMINDER_BATCH = 50


async def run_overdue(runtime: BillingRuntime, as_of: date) -> int:
    """Mark every invoice past due on ``as_of`` as overdue, once each; returns how many.

    One transaction per batch: a batch marked and its events commit together.
    """
    total = 0
    while True:
        async with runtime.transaction() as uow:
            marked = await mark_overdue_batch(uow, as_of, BATCH)
        total += marked
        if marked < BATCH:
            break
    if total:
        log.info("overdue run for %s: %d invoice(s) marked overdue", as_of, total)
    return total


async def overdue_task(runtime: ServiceRuntime[Any, Any]) -> None:
    """The worker's hourly job: today's date comes from the runtime's clock."""
    await run_overdue(runtime, runtime.clock.today())


def _overdue_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--date",
        type=date.fromisoformat,
        default=None,
        help="the day to run for, AAAA-MM-JJ (default: today)",
    )


async def _overdue_command(runtime: ServiceRuntime[Any, Any], args: argparse.Namespace) -> int:
    day: date = args.date or runtime.clock.today()
    marked = await run_overdue(runtime, day)
    print(f"{marked} invoice(s) marked overdue as of {day.isoformat()}")
    return 0


#: ``python -m billing overdue [--date AAAA-MM-JJ]``: the worker's job, for one day, by hand.
OVERDUE_COMMAND = Command(
    "overdue",
    "mark the invoices past due on a day as overdue (F4)",
    _overdue_arguments,
    _overdue_command,
)


async def run_reminders(runtime: BillingRuntime, as_of: date) -> int:
    """Send the reminders due on ``as_of``, each level once per invoice; returns how many.

    One transaction per batch of invoices: their reminders, letters and events commit together.
    """
    total = 0
    while True:
        async with runtime.transaction() as uow:
            claimed, sent = await send_reminders_batch(uow, as_of, REMINDER_BATCH)
        total += sent
        if claimed < REMINDER_BATCH or not sent:
            break
    if total:
        log.info("reminder run for %s: %d reminder(s) sent", as_of, total)
    return total


async def reminders_task(runtime: ServiceRuntime[Any, Any]) -> None:
    """The worker's job: the reminders due today (the runtime's clock)."""
    await run_reminders(runtime, runtime.clock.today())


async def _reminders_command(runtime: ServiceRuntime[Any, Any], args: argparse.Namespace) -> int:
    day: date = args.date or runtime.clock.today()
    if day > runtime.clock.today():
        raise UsageError(f"reminders are sent up to today, not on {day}")
    sent = await run_reminders(runtime, day)
    print(f"{sent} reminder(s) sent as of {day.isoformat()}")
    return 0


#: ``python -m billing reminders [--date AAAA-MM-JJ]``: the worker's job, for one day, by hand.
REMINDERS_COMMAND = Command(
    "reminders",
    "send the reminders of overdue invoices due on a day (F3, F6)",
    _overdue_arguments,
    _reminders_command,
)
