"""Wiring of the membership service: the one place its parts are put together."""

from pathlib import Path

from membership.consumers import consumers
from membership.settings import MembershipSettings
from membership.unit_of_work import MembershipUnitOfWork
from shared.clock import Clock, SystemClock
from shared.runtime import ServiceRuntime

SERVICE_DIR = Path(__file__).resolve().parents[2]

MembershipRuntime = ServiceRuntime[MembershipSettings, MembershipUnitOfWork]


def build_runtime(settings: MembershipSettings, clock: Clock | None = None) -> MembershipRuntime:
    """The service with its settings and clock: the app, the worker and tests all start here."""
    return ServiceRuntime(
        name="membership",
        version="0.1.0",
        settings=settings,
        service_dir=SERVICE_DIR,
        consumers=consumers,
        make_uow=MembershipUnitOfWork,
        clock=clock or SystemClock(),
    )


runtime = build_runtime(MembershipSettings())
