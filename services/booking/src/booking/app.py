"""The booking HTTP API (``uvicorn booking.app:app`` or ``python -m booking api``)."""

from fastapi import FastAPI

from booking.api import routers
from booking.service import runtime
from shared.webapp import create_service_app


def create_app() -> FastAPI:
    return create_service_app(
        settings=runtime.settings,
        title="Cap Métiers booking",
        description="Rooms, the auditorium and the Lab Studio at the Pessac site: bookings and yearly credits.",
        version=runtime.version,
        routers=routers,
        engine_getter=lambda: runtime.engine,
        asyncapi=lambda: runtime.asyncapi,
        on_shutdown=runtime.dispose,
    )


app = create_app()
