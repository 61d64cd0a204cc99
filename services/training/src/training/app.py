"""The training HTTP API (``uvicorn training.app:app`` or ``python -m training api``)."""

from fastapi import FastAPI

from shared.webapp import create_service_app
from training.api import routers
from training.service import runtime


def create_app() -> FastAPI:
    return create_service_app(
        settings=runtime.settings,
        title="Cap Métiers training",
        description="ParcoursPro actions, sessions, enrollments, waiting lists and attendance.",
        version=runtime.version,
        routers=routers,
        engine_getter=lambda: runtime.engine,
        asyncapi=lambda: runtime.asyncapi,
        on_shutdown=runtime.dispose,
    )


app = create_app()
