"""Fixtures of the billing tests: the service wired on the real servers, with a fixed clock."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from billing.app import create_app
from billing.service import SERVICE_DIR, BillingRuntime, build_runtime
from billing.settings import BillingSettings
from shared.auth import Role
from shared.clock import FixedClock
from shared.testing.helpers import asgi_client, bearer

# the tests' own helper modules: billing_factories (events, server helpers), billing_fakes
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "unit"))


@pytest.fixture(scope="session")
async def billing_settings(migrated_database: Any, service_settings: Any) -> BillingSettings:
    url = await migrated_database("billing", SERVICE_DIR)
    settings: BillingSettings = service_settings(BillingSettings, url)
    return settings


@pytest.fixture(scope="session")
def clock() -> FixedClock:
    return FixedClock(datetime(2025, 3, 1, 9, tzinfo=UTC))


@pytest.fixture(scope="session")
async def billing(
    billing_settings: BillingSettings, clock: FixedClock
) -> AsyncIterator[BillingRuntime]:
    runtime = build_runtime(billing_settings, clock)
    yield runtime
    await runtime.dispose()


@pytest.fixture(scope="session")
async def client(billing: BillingRuntime) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(create_app(billing)) as http:
        yield http


@pytest.fixture(scope="session")
def token(billing_settings: BillingSettings) -> Callable[..., dict[str, str]]:
    return partial(bearer, billing_settings.auth)


@pytest.fixture(scope="session")
def finance(token: Callable[..., dict[str, str]]) -> dict[str, str]:
    return token(Role.FINANCE)
