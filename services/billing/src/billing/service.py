"""Wiring of the billing service: the one place its parts are put together."""

from pathlib import Path

from billing.consumers import consumers
from billing.production import documents_job
from billing.scheduler import OVERDUE_COMMAND, REMINDERS_COMMAND, overdue_task, reminders_task
from billing.settings import BillingSettings
from billing.unit_of_work import BillingUnitOfWork
from shared.clock import Clock, SystemClock
from shared.held_connections import HoldingEngine
from shared.runtime import ServiceRuntime, every

SERVICE_DIR = Path(__file__).resolve().parents[2]

BillingRuntime = ServiceRuntime[BillingSettings, BillingUnitOfWork]


def build_runtime(settings: BillingSettings, clock: Clock | None = None) -> BillingRuntime:
    """The service with its settings and clock: the app, the worker and tests all start here."""
    the_clock: Clock = clock or SystemClock()

    def make_uow(engine: HoldingEngine, clock: Clock) -> BillingUnitOfWork:
        return BillingUnitOfWork(engine, settings, clock)

    return ServiceRuntime(
        name="billing",
        version="0.1.0",
        settings=settings,
        service_dir=SERVICE_DIR,
        consumers=consumers,
        make_uow=make_uow,
        background_jobs=(
            every(settings.invoicing.overdue_check_interval_s, overdue_task),
            documents_job,
            every(settings.reminders.check_interval_s, reminders_task),
        ),
        commands=(OVERDUE_COMMAND, REMINDERS_COMMAND),
        clock=the_clock,
    )


runtime = build_runtime(BillingSettings())
