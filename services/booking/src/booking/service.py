"""Wiring of the booking service: the one place its parts are put together."""

from pathlib import Path

from booking.consumers import consumers
from booking.settings import BookingSettings
from booking.unit_of_work import BookingUnitOfWork
from shared.runtime import ServiceRuntime

SERVICE_DIR = Path(__file__).resolve().parents[2]

runtime: ServiceRuntime[BookingSettings, BookingUnitOfWork] = ServiceRuntime(
    name="booking",
    version="0.1.0",
    settings=BookingSettings(),
    service_dir=SERVICE_DIR,
    consumers=consumers,
    make_uow=BookingUnitOfWork,
)
