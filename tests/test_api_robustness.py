"""Every API answers every request as its OpenAPI document says, and never with a server error.

Schemathesis draws requests from each service's own OpenAPI document, valid ones and invalid
ones, and sends each to the service running as a process once with a token of every role: a
member (for a structure that exists, approved and paid, so that its rights reached training and
booking), staff, the board and finance. Some of the valid requests name the rows made
beforehand over the APIs (:mod:`tests.api_seed`), so that they reach the rules and the database
rather than a 404. Every response must be below 500, of a documented status code and content
type, with headers and a body matching the documented schema (an error: a problem with its
code). Generation is derandomized: a run draws the same requests as the one before.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared.auth import Role
from tests.api_seed import Seed, seed
from tests.conftest import Platform

Operation = schemathesis.APIOperation[Any, Any, Any, Any]
Case = schemathesis.Case[Any]

PLATFORM_SERVICES = ("membership", "training", "booking", "billing", "exchange")
PLATFORM_CLOCK = True
pytestmark = pytest.mark.e2e

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
#: Reproducible (derandomized), and not shrunk: a failing request is reported as drawn.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),
)


@dataclass
class Fuzzed:
    """What the requests to one service met."""

    #: Each operation's label, and what failed (``None``: nothing).
    operations: dict[str, str | None] = field(default_factory=dict)
    #: Successful answers to a secured operation, by role.
    granted: Counter[Role] = field(default_factory=Counter)
    #: Successful answers to an operation naming seeded rows by its path.
    rows_reached: int = 0

    @property
    def failures(self) -> list[str]:
        return [failure for failure in self.operations.values() if failure]


@pytest.fixture(scope="module")
async def seeded(platform: Platform) -> Seed:
    return await seed(platform)


def cases(operation: Operation, service: str, seeded: Seed) -> st.SearchStrategy[Case]:
    """Valid and invalid requests to ``operation``; valid ones on the seeded rows too."""
    drawn = [operation.as_strategy()]
    if any((operation.path_parameters, operation.query, operation.headers, operation.body)):
        drawn.append(operation.as_strategy(schemathesis.GenerationMode.NEGATIVE))
    path = seeded.parameters(service, {p.name for p in operation.path_parameters})
    query = seeded.parameters(service, {p.name for p in operation.query})
    if path or query:
        drawn.append(operation.as_strategy(path_parameters=path, query=query))
    return st.one_of(drawn)


def fuzz(platform: Platform, seeded: Seed, service: str) -> Fuzzed:
    """Send generated requests to every operation of ``service``, each as every role."""
    base_url = platform[service].url
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    tokens = {
        role: platform.token(role, seeded.siren if role is Role.MEMBER else None) for role in Role
    }
    fuzzed = Fuzzed()
    with requests.Session() as session:
        sender = Sender(base_url, session, tokens, fuzzed)
        for result in schema.get_all_operations():
            if isinstance(result, Err):
                fuzzed.operations[str(result.err())] = f"not an operation: {result.err()}"
                continue
            operation = result.ok()
            rows = seeded.parameters(service, {p.name for p in operation.path_parameters})
            failure = sender.fuzz(operation, cases(operation, service, seeded), rows)
            fuzzed.operations[operation.label] = failure
    return fuzzed


@dataclass
class Sender:
    """Sends a service's generated requests once with each token, and checks every answer."""

    base_url: str
    session: requests.Session
    tokens: dict[Role, dict[str, str]]
    fuzzed: Fuzzed

    def fuzz(
        self, operation: Operation, strategy: st.SearchStrategy[Case], rows: dict[str, Any]
    ) -> str | None:
        """What fails of ``operation`` (``None``: nothing) for the requests of ``strategy``;
        ``rows``: the seeded rows' path parameters."""
        secured = bool(operation.definition.raw.get("security"))

        @FUZZ
        @given(case=strategy)
        def send(case: Case) -> None:
            on_seeded_rows = bool(rows) and rows.items() <= (case.path_parameters or {}).items()
            for role, token in self.tokens.items():
                response = case.call(
                    base_url=self.base_url, session=self.session, headers=token, timeout=10
                )
                if 200 <= response.status_code < 300:
                    self.fuzzed.granted[role] += secured
                    self.fuzzed.rows_reached += on_seeded_rows
                try:
                    case.validate_response(response, checks=CHECKS, headers=token)
                except FailureGroup as failures:
                    raise AssertionError(f"as {role}: {failures}") from None

        try:
            send()
        except Exception as failure:
            notes = "\n".join(getattr(failure, "__notes__", ()))
            return f"{operation.label}: {failure}\n{notes}"
        return None


def assert_conforms(
    platform: Platform, seeded: Seed, service: str, operations: int, granted: set[Role]
) -> None:
    """Every operation of ``service`` (at least ``operations``) answers as documented; every
    failing one is reported, not only the first. The tokens of ``granted`` roles got answers
    from secured operations, and requests reached the seeded rows."""
    fuzzed = fuzz(platform, seeded, service)
    failures = fuzzed.failures
    assert not failures, f"{len(failures)} operations of {service} fail:\n\n" + "\n\n".join(
        failures
    )
    assert len(fuzzed.operations) >= operations
    assert {role for role, n in fuzzed.granted.items() if n} == granted
    assert fuzzed.rows_reached > 0 or not granted


def test_membership_api_conforms_to_its_openapi_for_every_role(
    platform: Platform, seeded: Seed
) -> None:
    assert_conforms(platform, seeded, "membership", 50, set(Role))


def test_training_api_conforms_to_its_openapi_for_every_role(
    platform: Platform, seeded: Seed
) -> None:
    assert_conforms(platform, seeded, "training", 20, set(Role))


def test_booking_api_conforms_to_its_openapi_for_every_role(
    platform: Platform, seeded: Seed
) -> None:
    assert_conforms(platform, seeded, "booking", 25, set(Role))


def test_billing_api_conforms_to_its_openapi_for_every_role(
    platform: Platform, seeded: Seed
) -> None:
    # The board has nothing to do in billing: its token is refused there (403, documented).
    assert_conforms(platform, seeded, "billing", 25, set(Role) - {Role.BOARD})


def test_exchange_api_conforms_to_its_openapi_for_every_role(
    platform: Platform, seeded: Seed
) -> None:
    # Health only: the partner documents are not operations (nothing secured to be granted).
    assert_conforms(platform, seeded, "exchange", 2, set())
