"""Calling a service: its problems become :class:`ApiProblem`, its absence
:class:`ServiceUnavailable`, so that a page shows what is refused and which part is down."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from shared.correlation import current_correlation_id


class ServiceUnavailable(Exception):
    """The service does not answer (down, timing out, failing), or lacks the route asked for."""

    def __init__(self, service: str, label: str, reason: str) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.label = label
        self.reason = reason


class SignInExpired(Exception):
    """The service refused the person's token (401): it has expired or been revoked."""


@dataclass
class ApiProblem(Exception):
    """A refusal of the service, as its problem document says (``code``: the rule id)."""

    service: str
    status: int
    code: str
    detail: str
    errors: list[dict[str, Any]] = field(default_factory=list)
    body: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.service} {self.status} {self.code}: {self.detail}"


@dataclass(frozen=True)
class PageOf:
    """A page of a list as every service returns it."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, body: dict[str, Any]) -> PageOf:
        return cls(
            items=list(body.get("items", [])),
            total=int(body.get("total", 0)),
            limit=int(body.get("limit", 50)),
            offset=int(body.get("offset", 0)),
        )


@dataclass(frozen=True)
class Download:
    content: bytes
    media_type: str
    filename: str


def _problem(service: str, response: httpx.Response) -> ApiProblem:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    errors = body.get("errors")
    return ApiProblem(
        service=service,
        status=response.status_code,
        code=str(body.get("code") or ("not_found" if response.status_code == 404 else "http")),
        detail=str(body.get("detail") or response.reason_phrase),
        errors=errors if isinstance(errors, list) else [],
        body=body,
    )


class ServiceClient:
    """One service's API over one shared ``httpx.AsyncClient``."""

    #: The service's name (``membership``) and what a person calls that part of the portal.
    name: str = ""
    label: str = ""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    def unavailable(self, reason: str) -> ServiceUnavailable:
        return ServiceUnavailable(self.name, self.label, reason)

    async def call(
        self,
        method: str,
        path: str,
        token: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        content_type: str | None = None,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        correlation = current_correlation_id()
        if correlation:
            headers["X-Correlation-ID"] = correlation
        if content_type:
            headers["Content-Type"] = content_type
        query = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        try:
            response = await self.http.request(
                method, path, params=query, json=json, content=content, headers=headers
            )
        except httpx.HTTPError as exc:
            raise self.unavailable(f"{type(exc).__name__}: {exc}") from None
        if response.status_code >= 500:
            raise self.unavailable(f"HTTP {response.status_code}")
        if response.status_code == 401:
            raise SignInExpired()
        if response.status_code >= 400:
            raise _problem(self.name, response)
        return response

    async def json(self, method: str, path: str, token: str, **kwargs: Any) -> Any:
        response = await self.call(method, path, token, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise self.unavailable(f"{path} answered something that is not JSON") from None

    async def get(self, path: str, token: str, **params: Any) -> Any:
        return await self.json("GET", path, token, params=params)

    async def page(self, path: str, token: str, **params: Any) -> PageOf:
        body = await self.get(path, token, **params)
        if not isinstance(body, dict) or "items" not in body:
            raise self.unavailable(f"{path} did not answer a page")
        return PageOf.of(body)

    async def post(self, path: str, token: str, body: Any = None) -> Any:
        return await self.json("POST", path, token, json=body)

    async def download(self, path: str, token: str, fallback_name: str, **params: Any) -> Download:
        response = await self.call("GET", path, token, params=params)
        disposition = response.headers.get("content-disposition", "")
        filename = fallback_name
        if "filename=" in disposition:
            filename = disposition.split("filename=", 1)[1].strip().strip('"') or fallback_name
        return Download(
            response.content,
            response.headers.get("content-type", "application/octet-stream"),
            filename,
        )
