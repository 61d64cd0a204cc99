"""The membership HTTP API (``uvicorn membership.app:app`` or ``python -m membership api``)."""

from fastapi import FastAPI

from membership.api import routers
from membership.service import runtime
from shared.webapp import create_service_app


def create_app() -> FastAPI:
    return create_service_app(
        settings=runtime.settings,
        title="Cap Métiers membership",
        description="Structures, establishments, applications, board decisions, memberships per year, Qualiopi, renewal campaigns.",
        version=runtime.version,
        routers=routers,
        engine_getter=lambda: runtime.engine,
        asyncapi=lambda: runtime.asyncapi,
        on_shutdown=runtime.dispose,
    )


app = create_app()
