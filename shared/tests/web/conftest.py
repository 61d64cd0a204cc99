"""A service app as every service builds it (``create_service_app``), with routes of each kind:
secured and not, with a JSON body, a merge patch, a documented ``text/csv`` body, an optional
body, and routes raising each error of :mod:`shared.errors`. No server is touched."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, Body, Depends, FastAPI, Path, Request
from pydantic import BaseModel, Field

from shared.auth import Caller, Role, require_roles
from shared.errors import Conflict, InvalidInput, NotFound, RuleViolated, TooLarge
from shared.openapi import problem_responses
from shared.runtime import ServiceRuntime
from shared.testing.helpers import bearer
from shared.testing.probe.kit import PROBE_DIR, ProbeSettings, consumers
from shared.unit_of_work import UnitOfWork
from shared.webapp import create_service_app

Staff = Annotated[Caller, Depends(require_roles(Role.STAFF))]
Siren = Annotated[str, Path(pattern=r"^\d{9}$")]
CSV = {"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}}}


class ApplicationIn(BaseModel):
    plan: str = Field(pattern="^(simple|premium)$")
    year: int = Field(ge=2000, le=2100)


class StructurePatch(BaseModel):
    name: str | None = None


class NoteIn(BaseModel):
    text: str


def routes() -> APIRouter:
    router = APIRouter()

    @router.post(
        "/structures/{siren}/applications",
        responses=problem_responses({404: ["not_found"], 409: ["M6"], 422: ["M2", "M3"]}),
    )
    async def apply(siren: Siren, body: ApplicationIn, caller: Staff) -> dict[str, str]:
        return {"siren": siren, "plan": body.plan}

    @router.patch("/structures/{siren}")
    async def rename(
        siren: Siren,
        body: Annotated[StructurePatch, Body(media_type="application/merge-patch+json")],
        caller: Staff,
    ) -> dict[str, Any]:
        return {"siren": siren, "name": body.name}

    @router.post("/imports", openapi_extra=CSV)
    async def import_lines(request: Request, caller: Staff) -> dict[str, int]:
        return {"lines": len((await request.body()).decode().splitlines())}

    @router.post("/notes")
    async def note(caller: Staff, body: NoteIn | None = None) -> dict[str, str | None]:
        return {"text": body.text if body else None}

    @router.get("/structures/{siren}", responses=problem_responses({404: ["not_found"]}))
    async def structure(siren: Siren, caller: Staff) -> dict[str, str]:
        raise NotFound("Structure", siren)

    @router.get("/public")
    async def public() -> dict[str, str]:
        return {"ok": "yes"}

    errors: dict[str, Exception] = {
        "rule": RuleViolated("T3", "The session is full.", position=4, waiting=["a", "b"]),
        "conflict": Conflict("This invoice is already paid."),
        "conflict-rule": Conflict("Already booked.", rule="B5", booking_id="bk-1"),
        "not-found": NotFound("Invoice", "FA-2026-00001"),
        "invalid": InvalidInput("The file has no header line."),
        "invalid-rule": InvalidInput("Line 3: no amount.", code="F4", line=3),
        "too-large": TooLarge("At most 1000000 bytes."),
    }

    @router.get("/errors/{kind}")
    async def fail(kind: str) -> None:
        raise errors[kind]

    return router


@pytest.fixture(scope="module")
def service_app() -> FastAPI:
    runtime: ServiceRuntime[ProbeSettings, UnitOfWork] = ServiceRuntime(
        name="probe",
        version="1.2.3",
        settings=ProbeSettings(),
        service_dir=PROBE_DIR,
        consumers=consumers,
        make_uow=UnitOfWork,
    )
    return create_service_app(
        runtime, title="Probe", description="The kit's probe service.", routers=[routes()]
    )


@pytest.fixture
async def service_client(service_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=service_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        client.headers.update(bearer(service_app.state.runtime.settings.auth, Role.STAFF))
        yield client
