"""The training HTTP API (``uvicorn training.app:app`` or ``python -m training api``)."""

from fastapi import FastAPI

import training
from shared.webapp import create_service_app
from training.api import routers
from training.service import TrainingRuntime, runtime


def create_app(service: TrainingRuntime = runtime) -> FastAPI:
    return create_service_app(
        service,
        title="Cap Métiers training",
        description=(training.__doc__ or "").strip(),
        routers=routers,
    )


app = create_app()
