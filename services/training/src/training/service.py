"""Wiring of the training service: the one place its parts are put together."""

from pathlib import Path

from shared.runtime import ServiceRuntime
from training.consumers import consumers
from training.settings import TrainingSettings
from training.unit_of_work import TrainingUnitOfWork

SERVICE_DIR = Path(__file__).resolve().parents[2]

runtime: ServiceRuntime[TrainingSettings, TrainingUnitOfWork] = ServiceRuntime(
    name="training",
    version="0.1.0",
    settings=TrainingSettings(),
    service_dir=SERVICE_DIR,
    consumers=consumers,
    make_uow=TrainingUnitOfWork,
)
