"""The FastAPI application every service builds: problems, auth, health, correlation, AsyncAPI,
metrics, traces and the access log."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any, cast

import aio_pika
from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from faststream.specification.asyncapi.site import get_asyncapi_html
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.asyncapi import Document
from shared.auth.tokens import TokenVerifier
from shared.correlation import bind, new_id
from shared.observability.http import instrument, telemetry_config
from shared.openapi import document_problems
from shared.problems import PROBLEM_JSON, Problem, install_problem_handlers

if TYPE_CHECKING:
    from shared.runtime import ServiceRuntime

CORRELATION_HEADER = "x-correlation-id"
#: What a caller's correlation id may be: it travels into events, logs and the AMQP
#: ``correlation_id`` property (at most 255 bytes), so anything else is replaced by a new id.
_CORRELATION_ID = re.compile(rb"[A-Za-z0-9._:-]{1,100}")


def correlation_id_of(header: bytes | None) -> str:
    """The caller's correlation id if it is a plain token, else a new one."""
    if header is not None and _CORRELATION_ID.fullmatch(header):
        return header.decode("ascii")
    return new_id()


class CorrelationMiddleware:
    """Takes the request's ``X-Correlation-ID`` (or makes one) for logs, events and the reply."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(CORRELATION_HEADER.encode())
        correlation_id = correlation_id_of(incoming)
        bind(correlation_id, None)

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((CORRELATION_HEADER.encode(), correlation_id.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_header)


class MediaTypeMiddleware:
    """A body of a content type the operation does not accept is a 415 problem, not a 422.

    The accepted types are those the OpenAPI document shows for the route: its body model's
    (JSON, or the ``media_type`` of its ``Body``/``Form``) and those its ``openapi_extra``
    documents (``text/csv``...); a ``+json`` type (``application/merge-patch+json``) passes
    where JSON does. A request without a body is left to the route (a missing body is a
    validation error, an optional one is no error). Built once the routes are known.
    """

    _METHODS = frozenset({"POST", "PUT", "PATCH"})

    def __init__(self, app: ASGIApp, routes: Callable[[], Sequence[BaseRoute]]) -> None:
        self.app = app
        self._routes = routes
        self._accepted: list[tuple[RouteContext, frozenset[str]]] | None = None

    def _table(self) -> list[tuple[RouteContext, frozenset[str]]]:
        if self._accepted is None:
            table = []
            # The routes of included routers as they answer (their prefix, their methods):
            # FastAPI keeps an included router as one route of the app.
            for route in iter_route_contexts(self._routes()):
                if not isinstance(route.original_route, APIRoute):
                    continue
                accepted = accepted_media_types(route)
                if accepted and set(route.methods or ()) & self._METHODS:
                    table.append((route, accepted))
            self._accepted = table
        return self._accepted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in self._METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if not _has_body(headers):
            await self.app(scope, receive, send)
            return
        given = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
        for route, accepted in self._table():
            match, _ = route.matches(scope)
            if match is not Match.FULL:
                continue
            if not _acceptable(given, accepted):
                await _unsupported(scope, receive, send, given, accepted)
                return
            break
        await self.app(scope, receive, send)


def accepted_media_types(route: APIRoute | RouteContext) -> frozenset[str]:
    """The body types ``route``'s operation documents (none: it takes no body)."""
    accepted = set(((route.openapi_extra or {}).get("requestBody") or {}).get("content") or ())
    if route.body_field is not None:
        accepted.add(getattr(route.body_field.field_info, "media_type", "application/json"))
    return frozenset(t.lower() for t in accepted)


def _acceptable(given: str, accepted: frozenset[str]) -> bool:
    if given in accepted:
        return True
    json_like = given.endswith("+json") or given == "application/json"
    return json_like and any(t == "application/json" or t.endswith("+json") for t in accepted)


def _has_body(headers: dict[bytes, bytes]) -> bool:
    return b"transfer-encoding" in headers or headers.get(b"content-length", b"0").strip() != b"0"


async def _unsupported(
    scope: Scope, receive: Receive, send: Send, given: str, accepted: frozenset[str]
) -> None:
    problem = Problem(
        415,
        "unsupported_media_type",
        "Unsupported content type",
        f"This operation takes a body of type {', '.join(sorted(accepted))}, "
        f"not {given or 'a body without Content-Type'}.",
    )
    response = JSONResponse(
        problem.to_dict(instance=scope.get("path")), status_code=415, media_type=PROBLEM_JSON
    )
    await response(scope, receive, send)


def health_router(engine_getter: Callable[[], AsyncEngine], rabbitmq_url: str) -> APIRouter:
    router = APIRouter(prefix="/health", tags=["health"])

    @router.get("/live", summary="The process answers")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/ready", summary="The database and the broker answer")
    async def ready() -> Response:
        checks = {
            "database": await _check_database(engine_getter()),
            "broker": await _check_broker(rabbitmq_url),
        }
        ok = all(v == "ok" for v in checks.values())
        body: dict[str, object] = {"status": "ok" if ok else "unavailable", "checks": checks}
        if ok:
            return JSONResponse(body)
        body.update(
            {
                "title": "Not ready",
                "code": "not_ready",
                "status": 503,
                "detail": "; ".join(f"{k}: {v}" for k, v in checks.items() if v != "ok"),
            }
        )
        return JSONResponse(body, status_code=503, media_type=PROBLEM_JSON)

    return router


async def _check_database(engine: AsyncEngine) -> str:
    try:
        async with asyncio.timeout(2):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:200]


async def _check_broker(url: str) -> str:
    try:
        connection = await aio_pika.connect(url, timeout=2)
        await connection.close()
        return "ok"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:200]


def asyncapi_html(document: Document) -> HTMLResponse:
    """The page showing ``document`` (AsyncAPI's React component, as FastStream renders it)."""
    # get_asyncapi_html reads only the document's title and to_json()
    return HTMLResponse(get_asyncapi_html(cast(Any, document), try_it_out_path=None))


def create_service_app(
    runtime: ServiceRuntime[Any, Any],
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
) -> FastAPI:
    """The service's app; routes reach the runtime (settings, clock, unit of work) through
    ``request.app.state.runtime``."""
    settings = runtime.settings

    @asynccontextmanager
    async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
        if lifespan is not None:
            async with lifespan(app):
                yield
        else:
            yield
        await runtime.dispose()

    app = FastAPI(
        title=title,
        description=description,
        version=runtime.version,
        lifespan=_lifespan,
        telemetry=telemetry_config(runtime.tracing),
    )
    app.state.runtime = runtime
    app.state.token_verifier = TokenVerifier(settings.auth)
    install_problem_handlers(app)
    document_problems(app)
    app.add_middleware(MediaTypeMiddleware, routes=lambda: app.routes)
    instrument(app)
    app.add_middleware(CorrelationMiddleware)
    app.include_router(health_router(lambda: runtime.engine, settings.rabbitmq_url))
    for router in routers:
        app.include_router(router)

    @app.get("/asyncapi.json", include_in_schema=False)
    async def asyncapi_document() -> Response:
        return Response(runtime.asyncapi.to_json(), media_type="application/json")

    @app.get("/asyncapi", include_in_schema=False)
    async def asyncapi_page() -> HTMLResponse:
        return asyncapi_html(runtime.asyncapi)

    return app
