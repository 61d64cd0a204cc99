"""No input makes an API fail: generated requests get an answer below 500, errors as problems.

Schemathesis draws requests from each service's own OpenAPI document (valid and invalid bodies,
parameters, paths) and sends them to the service running as a process, with a token that may
act on everything, so that the requests reach the rules and the database.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from shared.auth import Role
from tests.conftest import Platform

PLATFORM_SERVICES = ("membership", "booking", "billing")
pytestmark = pytest.mark.e2e

ROLE_OF = {"membership": Role.STAFF, "booking": Role.STAFF, "billing": Role.FINANCE}
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


def fuzz(platform: Platform, service: str) -> int:
    """Send generated requests to every operation of ``service``; returns how many operations."""
    schema = schemathesis.openapi.from_url(f"{platform[service].url}/openapi.json")
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @FUZZ
        @given(case=operation.as_strategy())
        def send(case: schemathesis.Case) -> None:
            check(case, platform, service)

        send()
        operations += 1
    return operations


def check(case: schemathesis.Case, platform: Platform, service: str) -> None:
    response = case.call(
        base_url=platform[service].url, headers=platform.token(ROLE_OF[service]), timeout=10
    )
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
    )
    if response.status_code >= 400:
        content_type = response.headers["content-type"]
        if isinstance(content_type, list):
            content_type = content_type[0]
        assert content_type == "application/problem+json", case.formatted_path
        assert response.json()["code"]


def test_membership_api_answers_every_request_without_a_server_error(platform: Platform) -> None:
    assert fuzz(platform, "membership") > 20


def test_billing_api_answers_every_request_without_a_server_error(platform: Platform) -> None:
    assert fuzz(platform, "billing") > 15


def test_booking_api_answers_every_request_without_a_server_error(platform: Platform) -> None:
    assert fuzz(platform, "booking") > 15
