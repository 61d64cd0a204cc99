"""The booking HTTP API (``uvicorn booking.app:app`` or ``python -m booking api``)."""

from fastapi import FastAPI

import booking
from booking.api import routers
from booking.service import BookingRuntime, runtime
from shared.webapp import create_service_app


def create_app(service: BookingRuntime = runtime) -> FastAPI:
    return create_service_app(
        service,
        title="Cap Métiers booking",
        description=(booking.__doc__ or "").strip(),
        routers=routers,
    )


app = create_app()
