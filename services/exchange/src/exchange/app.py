"""The exchange HTTP API (``uvicorn exchange.app:app`` or ``python -m exchange api``): health,
the service's AsyncAPI document and the partner document."""

from fastapi import FastAPI

import exchange
from exchange.api import router
from exchange.service import ExchangeRuntime, runtime
from shared.webapp import create_service_app


def create_app(service: ExchangeRuntime = runtime) -> FastAPI:
    return create_service_app(
        service,
        title="Cap Métiers exchange",
        description=(exchange.__doc__ or "").strip(),
        routers=[router],
    )


app = create_app()
