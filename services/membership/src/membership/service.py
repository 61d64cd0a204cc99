"""Wiring of the membership service: the one place its parts are put together."""

from pathlib import Path

from membership.badge_keys import BADGE_KEY_COMMAND, with_badge_key
from membership.consumers import consumers
from membership.scheduler import LAPSE_COMMAND, lapse_memberships
from membership.settings import MembershipSettings
from membership.unit_of_work import MembershipUnitOfWork
from shared.clock import Clock, SystemClock
from shared.runtime import ServiceRuntime, every

SERVICE_DIR = Path(__file__).resolve().parents[2]
#: How often the worker runs the lapse scheduler (it is idempotent).
LAPSE_INTERVAL_S = 3600

MembershipRuntime = ServiceRuntime[MembershipSettings, MembershipUnitOfWork]


def build_runtime(settings: MembershipSettings, clock: Clock | None = None) -> MembershipRuntime:
    """The service with its settings and clock: the app, the worker and tests all start here."""
    the_clock: Clock = clock or SystemClock()

    return ServiceRuntime(
        name="membership",
        version="0.1.0",
        # M11: the badges' key, checked at start (production refuses to start without one).
        settings=with_badge_key(settings),
        service_dir=SERVICE_DIR,
        consumers=consumers,
        make_uow=MembershipUnitOfWork,
        background_jobs=(every(LAPSE_INTERVAL_S, lapse_memberships),),
        commands=(LAPSE_COMMAND, BADGE_KEY_COMMAND),
        clock=the_clock,
    )


runtime = build_runtime(MembershipSettings())
