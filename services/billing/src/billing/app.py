"""The billing HTTP API (``uvicorn billing.app:app`` or ``python -m billing api``).

Errors are the shared vocabulary's (``shared.errors``), mapped once by the shared app factory.
"""

from fastapi import FastAPI

import billing
from billing.api import routers
from billing.service import BillingRuntime, runtime
from shared.webapp import create_service_app


def create_app(service: BillingRuntime = runtime) -> FastAPI:
    return create_service_app(
        service,
        title="Cap Métiers billing",
        description=(billing.__doc__ or "").strip(),
        routers=routers,
    )


app = create_app()
