"""Calendar-driven work of the billing worker: overdue invoices (F4), idempotent when re-run."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from billing.handlers import mark_overdue_batch
from billing.unit_of_work import BillingUnitOfWork
from shared.runtime import Command, ServiceRuntime

log = logging.getLogger(__name__)
BATCH = 200


async def run_overdue(make_uow: Callable[[], BillingUnitOfWork], as_of: date) -> int:
    """Mark every invoice past due on ``as_of`` as overdue, once each; returns how many."""
    total = 0
    while True:
        async with make_uow() as uow:
            marked = await mark_overdue_batch(uow, as_of, BATCH)
            await uow.commit()
        total += marked
        if marked < BATCH:
            break
    if total:
        log.info("overdue run for %s: %d invoice(s) marked overdue", as_of, total)
    return total


async def overdue_task(runtime: ServiceRuntime[Any, Any]) -> None:
    """The worker's hourly job: today's date comes from the runtime's clock."""
    await run_overdue(runtime.uow, runtime.clock.today())


def _overdue_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--date",
        type=date.fromisoformat,
        default=None,
        help="the day to run for, AAAA-MM-JJ (default: today)",
    )


async def _overdue_command(runtime: ServiceRuntime[Any, Any], args: argparse.Namespace) -> int:
    day: date = args.date or runtime.clock.today()
    marked = await run_overdue(runtime.uow, day)
    print(f"{marked} invoice(s) marked overdue as of {day.isoformat()}")
    return 0


#: ``python -m billing overdue [--date AAAA-MM-JJ]``: the worker's job, for one day, by hand.
OVERDUE_COMMAND = Command(
    "overdue",
    "mark the invoices past due on a day as overdue (F4)",
    _overdue_arguments,
    _overdue_command,
)
