"""RFC 9457 problem details: every error a client sees, with a stable ``code``.

``code`` is a rule id (``M5``, ``F2``, ``X3``...) where a rule caused the error, else a short
technical code (``validation``, ``not_found``, ``conflict``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.correlation import current_correlation_id
from shared.errors import DomainError, extra_members

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class Problem(Exception):
    """An HTTP-level refusal raised at the edge (authentication, size of a body...).

    Domain code and use cases raise :mod:`shared.errors` instead, mapped here once.
    """

    def __init__(
        self,
        status: int,
        code: str,
        title: str,
        detail: str,
        *,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.extra = extra_members(extra)
        self.headers = dict(headers or {})

    def to_dict(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"https://docs.capmetiers.fr/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
            "correlation_id": current_correlation_id(),
        }
        if instance:
            body["instance"] = instance
        body.update(self.extra)
        return body


def problem_response(problem: Problem, request: Request) -> JSONResponse:
    return JSONResponse(
        problem.to_dict(instance=request.url.path),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers,
    )


def problem_of(error: DomainError) -> Problem:
    """The problem document of an error raised by domain code or a use case."""
    return Problem(error.status, error.code, error.title, error.detail, extra=error.extra)


_NOT_UTF8 = {
    "location": "body",
    "message": "the body is not text in UTF-8: send JSON encoded in UTF-8",
    "type": "json_invalid",
}


def validation_problem(errors: list[dict[str, Any]]) -> Problem:
    """The 422 problem of a request not of the expected form, listing each error."""
    summary = "; ".join(f"{e['location']}: {e['message']}" for e in errors[:5])
    return Problem(
        422,
        "validation",
        "Invalid request",
        f"The request does not have the expected form: {summary}",
        extra={"errors": errors},
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Map every error to a problem document, once for every service."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(exc, request)

    async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        return problem_response(problem_of(exc), request)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {
                "location": ".".join(str(p) for p in err.get("loc", ())),
                "message": err.get("msg", ""),
                "type": err.get("type", ""),
            }
            for err in exc.errors()
        ]
        return problem_response(validation_problem(errors), request)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
            # FastAPI answers a JSON body that is not UTF-8 text with a 400 of its own, where
            # malformed JSON is a validation error: both are a body of the wrong form.
            return problem_response(validation_problem([_NOT_UTF8]), request)
        codes = {404: "not_found", 405: "method_not_allowed", 401: "X3", 403: "X3"}
        problem = Problem(
            exc.status_code,
            codes.get(exc.status_code, "http_error"),
            str(exc.detail) if exc.status_code != 404 else "Not found",
            str(exc.detail),
            headers=exc.headers,
        )
        return problem_response(problem, request)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        problem = Problem(
            500,
            "internal",
            "Internal error",
            "Something went wrong on our side; nothing was changed. "
            f"Quote correlation id {current_correlation_id()} to the agency.",
        )
        return problem_response(problem, request)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
