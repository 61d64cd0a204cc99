"""The billing HTTP API (``uvicorn billing.app:app`` or ``python -m billing api``)."""

from fastapi import FastAPI

from billing.api import routers
from billing.service import runtime
from shared.webapp import create_service_app


def create_app() -> FastAPI:
    return create_service_app(
        settings=runtime.settings,
        title="Cap Métiers billing",
        description="Customers, invoices, credit notes, payments, reconciliation and accounting exports.",
        version=runtime.version,
        routers=routers,
        engine_getter=lambda: runtime.engine,
        asyncapi=lambda: runtime.asyncapi,
        on_shutdown=runtime.dispose,
    )


app = create_app()
