"""No input makes the booking API fail: generated requests get an answer below 500, and every
error is a problem document. The API runs as a process on a database of its own, since staff
requests change the calendar the other tests book against."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
from collections.abc import AsyncIterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from booking.service import SERVICE_DIR
from shared.auth import Role
from shared.testing.helpers import bearer

pytestmark = pytest.mark.integration

FUZZ = settings(
    max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def api_url(migrated_database, booking_settings, tmp_path) -> AsyncIterator[str]:
    database_url = await migrated_database("booking_fuzz", SERVICE_DIR)
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")},
        "BOOKING_DATABASE_URL": database_url,
        "RABBITMQ_URL": booking_settings.rabbitmq_url,
        "RABBITMQ_NAMESPACE": booking_settings.rabbitmq_namespace,
        "PORT": str(port),
        "LOG_JSON": "false",
        "LOG_LEVEL": "WARNING",
    }
    log = (tmp_path / "booking-api.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "booking", "api", env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=url, timeout=2) as client:
            for _ in range(300):
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get("/health/live")).status_code == 200:
                        break
                assert process.returncode is None, (tmp_path / "booking-api.log").read_text()
                await asyncio.sleep(0.2)
        yield url
    finally:
        process.terminate()
        await process.wait()
        log.close()


def fuzz(url: str, headers: dict[str, str]) -> int:
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @FUZZ
        @given(case=operation.as_strategy())
        def send(case: schemathesis.Case) -> None:
            response = case.call(base_url=url, headers=headers, timeout=10)
            where = f"{case.method} {case.formatted_path}"
            assert response.status_code < 500, f"{where} -> {response.status_code}"
            if response.status_code >= 400:
                content_type = response.headers["content-type"]
                if isinstance(content_type, list):
                    content_type = content_type[0]
                assert content_type == "application/problem+json", where
                assert response.json()["code"], where

        send()
        operations += 1
    return operations


async def test_x3_the_booking_api_answers_generated_requests_without_a_server_error(
    api_url, booking_settings
) -> None:
    """With a staff token, which may call every operation, so that requests reach the rules."""
    staff = bearer(booking_settings.auth, Role.STAFF)
    assert await asyncio.to_thread(fuzz, api_url, staff) > 20
