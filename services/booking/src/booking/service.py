"""Wiring of the booking service: the one place its parts are put together."""

from pathlib import Path

from booking.consumers import consumers
from booking.settings import BookingSettings
from booking.unit_of_work import BookingUnitOfWork
from shared.clock import Clock, SystemClock
from shared.runtime import ServiceRuntime

SERVICE_DIR = Path(__file__).resolve().parents[2]

BookingRuntime = ServiceRuntime[BookingSettings, BookingUnitOfWork]


def build_runtime(settings: BookingSettings, clock: Clock | None = None) -> BookingRuntime:
    """The service with its settings and clock: the app, the worker and tests all start here."""
    return ServiceRuntime(
        name="booking",
        version="0.1.0",
        settings=settings,
        service_dir=SERVICE_DIR,
        consumers=consumers,
        make_uow=BookingUnitOfWork,
        clock=clock or SystemClock(),
    )


runtime = build_runtime(BookingSettings())
