"""The membership HTTP API (``uvicorn membership.app:app`` or ``python -m membership api``)."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

import membership
from membership.api import routers
from membership.domain.errors import DomainError, NotFoundError
from membership.service import MembershipRuntime, runtime
from shared.problems import NotFound, RuleViolation, problem_response
from shared.webapp import create_service_app


async def _on_domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return problem_response(RuleViolation(exc.rule, exc.detail, status=exc.status), request)


async def _on_not_found(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NotFoundError)
    return problem_response(NotFound(exc.what, exc.key), request)


def create_app(service: MembershipRuntime = runtime) -> FastAPI:
    app = create_service_app(
        service,
        title="Cap Métiers membership",
        description=(membership.__doc__ or "").strip(),
        routers=routers,
    )
    app.add_exception_handler(DomainError, _on_domain_error)
    app.add_exception_handler(NotFoundError, _on_not_found)
    return app


app = create_app()
