"""The portal's application: sessions, CSRF, security headers, the pages and their refusals;
its metrics, traces and access log as every API's (:mod:`shared.observability.http`)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.clients import Clients
from portal.clients.base import ApiProblem, ServiceUnavailable, SignInExpired
from portal.clients.billing import BillingClient
from portal.clients.booking import BookingClient
from portal.clients.membership import MembershipClient
from portal.clients.training import TrainingClient
from portal.oidc import OidcClient
from portal.pages import (
    assemblies,
    auth,
    board,
    extranet,
    finance,
    finance_reports,
    home,
    member,
    member_booking,
    member_governance,
    member_training,
    staff,
    staff_calendar,
    staff_training,
)
from portal.rendering import render
from portal.sessions import SessionStore
from portal.settings import PortalSettings
from portal.web import (
    CsrfRefused,
    Forbidden,
    NeedsSignIn,
    SessionMiddleware,
    is_htmx,
    session_of,
    verify_csrf,
)
from shared.auth import TokenVerifier
from shared.clock import Clock, ShiftedClock, SystemClock
from shared.observability.http import instrument, telemetry_config
from shared.observability.tracing import Tracing, current_trace_headers
from shared.webapp import CorrelationMiddleware

STATIC = Path(__file__).resolve().parent / "static"
PORTAL_VERSION = "0.1.0"
log = logging.getLogger(__name__)

#: No script, style or frame from elsewhere; forms post here only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                ]
                if not static and not any(k == b"cache-control" for k, _ in headers):
                    # pages show a person's data: never kept by a shared cache or the back button
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def _clock(settings: PortalSettings) -> Clock:
    return ShiftedClock(settings.dev_clock_file) if settings.dev_clock_file else SystemClock()


async def _send_trace(request: httpx.Request) -> None:
    """A call to a service carries the page's trace context: the service's span is its child."""
    headers = current_trace_headers()
    if headers is not None:
        request.headers.update(headers)


def create_app(
    settings: PortalSettings | None = None,
    *,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    clock: Clock | None = None,
    tracing: Tracing | None = None,
) -> FastAPI:
    """The portal; ``transports`` replaces how a service (or ``oidc``) is reached, for tests."""
    settings = settings or PortalSettings()
    clock = clock or _clock(settings)
    transports = transports or {}
    tracing = tracing or Tracing.from_endpoint(
        "portal",
        PORTAL_VERSION,
        settings.otel_exporter_otlp_endpoint,
        environment=settings.platform_environment,
    )
    timeout = httpx.Timeout(
        settings.service_timeout_s, connect=min(2.0, settings.service_timeout_s)
    )
    hooks = {"request": [_send_trace]} if tracing.enabled else {}

    def http(name: str, base_url: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=base_url, timeout=timeout, transport=transports.get(name), event_hooks=hooks
        )

    clients = Clients(
        membership=MembershipClient(http("membership", settings.membership_url)),
        billing=BillingClient(http("billing", settings.billing_url)),
        training=TrainingClient(http("training", settings.training_url)),
        booking=BookingClient(http("booking", settings.booking_url)),
    )
    oidc_http = httpx.AsyncClient(timeout=timeout, transport=transports.get("oidc"))
    oidc = OidcClient(settings, oidc_http) if settings.oidc_configured else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        for client in (clients.membership, clients.billing, clients.training, clients.booking):
            await client.http.aclose()
        await oidc_http.aclose()

    app = FastAPI(
        title="Cap Métiers portal",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(verify_csrf)],
        telemetry=telemetry_config(tracing),
    )
    app.state.settings = settings
    app.state.clients = clients
    app.state.clock = clock
    app.state.oidc = oidc
    app.state.token_verifier = TokenVerifier(settings.auth)
    app.state.sessions = SessionStore(
        clock,
        idle=timedelta(minutes=settings.session_idle_minutes),
        lifetime=timedelta(hours=settings.session_lifetime_hours),
        max_sessions=settings.max_sessions,
    )
    app.add_middleware(
        SessionMiddleware,
        store=app.state.sessions,
        cookie_name=settings.cookie_name,
        secure=settings.cookie_secure,
        max_age=settings.session_lifetime_hours * 3600,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    instrument(app)
    app.add_middleware(CorrelationMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _install_refusals(app)

    @app.get("/health/live", include_in_schema=False)
    async def live() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @app.get("/health/ready", include_in_schema=False)
    async def ready() -> JSONResponse:
        # the portal needs no service to serve its pages: each page says which part is down
        return JSONResponse({"status": "ok"})

    for module in (
        home,
        auth,
        member,
        member_training,
        member_booking,
        member_governance,
        board,
        assemblies,
        extranet,
        staff,
        staff_calendar,
        staff_training,
        finance,
        finance_reports,
    ):
        app.include_router(module.router)
    return app


def _install_refusals(app: FastAPI) -> None:
    async def needs_sign_in(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, NeedsSignIn)
        if exc.message:
            session_of(request).flash("info", exc.message)
        target = "/connexion"
        if exc.next_path != "/":
            target += "?" + urlencode({"suivant": exc.next_path})
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, 303)

    async def sign_in_expired(request: Request, exc: Exception) -> Response:
        session = session_of(request)
        session.user = None
        raise_to = NeedsSignIn(
            request.url.path if request.method == "GET" else "/",
            "Votre session a expiré : connectez-vous à nouveau.",
        )
        return await needs_sign_in(request, raise_to)

    async def forbidden(request: Request, exc: Exception) -> Response:
        return render(request, "errors/forbidden.html", status=403)

    async def csrf_refused(request: Request, exc: Exception) -> Response:
        return render(request, "errors/csrf.html", status=403)

    async def unavailable(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ServiceUnavailable)
        log.warning("service unavailable: %s (%s)", exc.service, exc.reason)
        return render(request, "errors/unavailable.html", {"label": exc.label}, status=503)

    async def problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiProblem)
        status = exc.status if exc.status in (403, 404, 409, 422) else 400
        return render(request, "errors/problem.html", {"problem": exc}, status=status)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            return render(request, "errors/not_found.html", status=404)
        return render(request, "errors/problem.html", {"problem": None}, status=exc.status_code)

    async def invalid(request: Request, exc: Exception) -> Response:
        return render(request, "errors/invalid.html", status=422)

    app.add_exception_handler(NeedsSignIn, needs_sign_in)
    app.add_exception_handler(SignInExpired, sign_in_expired)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(CsrfRefused, csrf_refused)
    app.add_exception_handler(ServiceUnavailable, unavailable)
    app.add_exception_handler(ApiProblem, problem)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
