"""Fixtures of the billing tests: the service wired on the real servers, with a fixed clock."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from billing.app import create_app
from billing.service import SERVICE_DIR, BillingRuntime, build_runtime
from billing.settings import BillingSettings
from shared.auth import Role
from shared.testing.service_fixtures import define_service_fixtures

# the tests' own helper modules: billing_factories (events, server helpers), billing_fakes
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "unit"))


define_service_fixtures(
    globals(),
    service="billing",
    service_dir=SERVICE_DIR,
    settings_type=BillingSettings,
    build_runtime=build_runtime,
    create_app=create_app,
    now=datetime(2025, 3, 1, 9, tzinfo=UTC),
)


@pytest.fixture(scope="session")
def billing(runtime: BillingRuntime) -> BillingRuntime:
    """The runtime, by the name billing's tests give it."""
    return runtime


@pytest.fixture(scope="session")
def token(auth: Callable[..., dict[str, str]]) -> Callable[..., dict[str, str]]:
    return auth


@pytest.fixture(scope="session")
def finance(token: Callable[..., dict[str, str]]) -> dict[str, str]:
    return token(Role.FINANCE)
