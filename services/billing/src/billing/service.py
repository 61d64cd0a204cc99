"""Wiring of the billing service: the one place its parts are put together."""

from pathlib import Path

from billing.consumers import consumers
from billing.settings import BillingSettings
from billing.unit_of_work import BillingUnitOfWork
from shared.runtime import ServiceRuntime

SERVICE_DIR = Path(__file__).resolve().parents[2]

runtime: ServiceRuntime[BillingSettings, BillingUnitOfWork] = ServiceRuntime(
    name="billing",
    version="0.1.0",
    settings=BillingSettings(),
    service_dir=SERVICE_DIR,
    consumers=consumers,
    make_uow=BillingUnitOfWork,
)
