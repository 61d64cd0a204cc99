"""Fixtures of the exchange tests: the service on the real PostgreSQL and RabbitMQ."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from exchange.service import SERVICE_DIR, ExchangeRuntime, build_runtime
from exchange.settings import ExchangeSettings


@pytest.fixture(scope="session")
async def exchange_settings(migrated_database: Any, service_settings: Any) -> ExchangeSettings:
    url = await migrated_database("exchange", SERVICE_DIR)
    settings: ExchangeSettings = service_settings(ExchangeSettings, url)
    return settings


@pytest.fixture(scope="session")
async def runtime(exchange_settings: ExchangeSettings) -> AsyncIterator[ExchangeRuntime]:
    service = build_runtime(exchange_settings)
    yield service
    await service.dispose()
