"""Wiring of the training service: the one place its parts are put together."""

from pathlib import Path

from shared.clock import Clock, SystemClock
from shared.runtime import ServiceRuntime
from training.consumers import consumers
from training.settings import TrainingSettings
from training.unit_of_work import TrainingUnitOfWork

SERVICE_DIR = Path(__file__).resolve().parents[2]

TrainingRuntime = ServiceRuntime[TrainingSettings, TrainingUnitOfWork]


def build_runtime(settings: TrainingSettings, clock: Clock | None = None) -> TrainingRuntime:
    """The service with its settings and clock: the app, the worker and tests all start here."""
    return ServiceRuntime(
        name="training",
        version="0.1.0",
        settings=settings,
        service_dir=SERVICE_DIR,
        consumers=consumers,
        make_uow=TrainingUnitOfWork,
        clock=clock or SystemClock(),
    )


runtime = build_runtime(TrainingSettings())
