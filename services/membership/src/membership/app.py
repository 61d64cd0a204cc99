"""The membership HTTP API (``uvicorn membership.app:app`` or ``python -m membership api``)."""

from fastapi import FastAPI

import membership
from membership.api import routers
from membership.service import MembershipRuntime, runtime
from shared.webapp import create_service_app


def create_app(service: MembershipRuntime = runtime) -> FastAPI:
    return create_service_app(
        service,
        title="Cap Métiers membership",
        description=(membership.__doc__ or "").strip(),
        routers=routers,
    )


app = create_app()
