"""The portal in process, its four services faked at the HTTP boundary (httpx transports)."""

from __future__ import annotations

import html
import json
import re
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))

from portal.app import create_app
from portal.settings import PortalSettings
from shared.clock import FixedClock

Handler = Callable[[httpx.Request], httpx.Response]
#: The hidden field every form of the page carries (what a browser posts back).
CSRF = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]*)">')


def problem(status: int, code: str, detail: str = "refused", **extra: Any) -> httpx.Response:
    body = {"type": "about:blank", "title": "Refused", "status": status, "code": code}
    body.update(detail=detail, **extra)
    return httpx.Response(status, json=body, headers={"content-type": "application/problem+json"})


@dataclass
class FakeService:
    """Answers the routes a test sets, records every request; an unknown path is answered as
    the shared app answers a route it does not have."""

    name: str
    routes: dict[tuple[str, str], Handler | httpx.Response] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    down: bool = False

    def on(self, method: str, path: str, answer: Handler | httpx.Response | Any) -> None:
        if not isinstance(answer, httpx.Response) and not callable(answer):
            answer = httpx.Response(200, json=answer)
        self.routes[(method, path)] = answer

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        answer = self.routes.get((request.method, request.url.path))
        if answer is None:
            return httpx.Response(
                404,
                json={
                    "title": "Not found",
                    "status": 404,
                    "code": "not_found",
                    "detail": "Not Found",
                },
            )
        return answer(request) if callable(answer) else answer

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]

    def sent(self, method: str = "POST") -> Any:
        """The JSON body of the last ``method`` request."""
        last = [r for r in self.requests if r.method == method][-1]
        return json.loads(last.content)


@dataclass
class Fakes:
    membership: FakeService
    billing: FakeService
    training: FakeService
    booking: FakeService


@pytest.fixture
def fakes() -> Fakes:
    return Fakes(*(FakeService(n) for n in ("membership", "billing", "training", "booking")))


@pytest.fixture
def settings() -> PortalSettings:
    return PortalSettings(platform_environment="development")


@pytest.fixture
def clock() -> FixedClock:
    from datetime import UTC, datetime

    return FixedClock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))


def text(response: httpx.Response) -> str:
    """The page as a person reads it (entities such as ``&#39;`` decoded)."""
    return html.unescape(response.text)


#: The session's token for htmx requests, on a page without a form.
META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


class Browser:
    """An httpx client on the portal that signs in and posts forms with their CSRF token."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.csrf = ""

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        response = await self.client.get(path, **kwargs)
        found = CSRF.search(response.text) or META_CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    async def post(
        self, path: str, data: dict[str, Any] | None = None, **kwargs: Any
    ) -> httpx.Response:
        if not self.csrf:
            await self.get("/connexion")
        return await self.client.post(
            path, data={"csrf_token": self.csrf, **(data or {})}, **kwargs
        )

    async def sign_in(self, role: str, siren: str = "") -> httpx.Response:
        await self.get("/connexion")
        response = await self.post(
            "/connexion/developpement", {"role": role, "siren": siren, "name": f"Test {role}"}
        )
        assert response.status_code == 303, response.text
        # the session was renewed: its new CSRF token is on the page signed in to
        await self.get(response.headers["location"])
        return response


@pytest.fixture
async def browser(
    fakes: Fakes, settings: PortalSettings, clock: FixedClock
) -> AsyncIterator[Browser]:
    transports = {
        name: httpx.MockTransport(getattr(fakes, name).handle)
        for name in ("membership", "billing", "training", "booking")
    }
    app = create_app(settings, transports=transports, clock=clock)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://portal.test"
    ) as client:
        yield Browser(client)
