"""Wiring of the membership service: the one place its parts are put together."""

from pathlib import Path

from membership.consumers import consumers
from membership.settings import MembershipSettings
from membership.unit_of_work import MembershipUnitOfWork
from shared.runtime import ServiceRuntime

SERVICE_DIR = Path(__file__).resolve().parents[2]

runtime: ServiceRuntime[MembershipSettings, MembershipUnitOfWork] = ServiceRuntime(
    name="membership",
    version="0.1.0",
    settings=MembershipSettings(),
    service_dir=SERVICE_DIR,
    consumers=consumers,
    make_uow=MembershipUnitOfWork,
)
