"""The API as a client finds it: problems documented, parameters as strict in the OpenAPI as in
the validation, a wrong body type a 415, and another structure's data a 404 (X3)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from billing_factories import approved, deliver, the_invoice

from billing.service import BillingRuntime
from shared.auth import Role
from shared.clock import FixedClock
from shared.problems import PROBLEM_JSON

pytestmark = pytest.mark.integration

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture(scope="module")
async def openapi(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in openapi["paths"].items()
        if not path.startswith("/health")
        for method, operation in item.items()
    ]


def codes(operation: dict[str, Any], status: int) -> list[str]:
    found: list[str] = operation["responses"][str(status)]["x-problem-codes"]
    return found


def test_x3_every_error_of_every_operation_is_a_problem_document(
    openapi: dict[str, Any],
) -> None:
    assert "Problem" in openapi["components"]["schemas"]
    assert "HTTPValidationError" not in openapi["components"]["schemas"]
    for method, path, operation in operations(openapi):
        responses = operation["responses"]
        for status in ("401", "403", "422"):
            assert status in responses, (method, path, status)
        for status, response in responses.items():
            if int(status) >= 400:
                assert response["content"] == {PROBLEM_JSON: {"schema": PROBLEM_REF}}, (
                    method,
                    path,
                    status,
                )
        assert codes(operation, 401) == ["X3"]
        assert "validation" in codes(operation, 422)


@pytest.mark.parametrize(
    ("method", "path", "status", "expected"),
    [
        ("GET", "/invoices", 404, ["not_found"]),
        ("GET", "/invoices/{ref}", 404, ["not_found"]),
        ("GET", "/invoices/{ref}/pdf", 404, ["not_found"]),
        ("GET", "/credit-notes", 404, ["not_found"]),
        ("GET", "/customers", 404, ["not_found"]),
        ("GET", "/customers/{siren}", 404, ["not_found"]),
        ("GET", "/payments/{payment_id}", 404, ["not_found"]),
        ("POST", "/invoices/{ref}/credit-notes", 404, ["not_found"]),
        ("POST", "/invoices/{ref}/credit-notes", 409, ["F2"]),
        (
            "POST",
            "/invoices/{ref}/credit-notes",
            422,
            ["validation", "F2", "idempotency_key_reused"],
        ),
        ("POST", "/payments", 404, ["not_found"]),
        ("POST", "/payments", 409, ["F4"]),
        ("POST", "/payments", 422, ["validation", "F4", "idempotency_key_reused"]),
        ("POST", "/payments/{payment_id}/allocations", 404, ["not_found"]),
        ("POST", "/payments/{payment_id}/allocations", 409, ["F4"]),
        (
            "POST",
            "/payments/{payment_id}/allocations",
            422,
            ["validation", "F4", "idempotency_key_reused"],
        ),
        ("GET", "/invoices/{ref}/pdf", 422, ["validation", "F8"]),
        ("GET", "/credit-notes/{ref}/pdf", 404, ["not_found"]),
        ("GET", "/exports/chorus-pro", 422, ["validation", "F8"]),
        ("GET", "/exports/fec/{year}", 422, ["validation", "F7"]),
        ("PUT", "/customers/{siren}/chorus", 422, ["validation", "F8"]),
        ("POST", "/payments/import", 413, ["too_large"]),
        ("POST", "/payments/import", 415, ["unsupported_media_type"]),
        ("POST", "/payments/import", 422, ["validation", "F4", "idempotency_key_reused"]),
    ],
)
def test_routes_declare_the_problem_codes_they_return(
    openapi: dict[str, Any], method: str, path: str, status: int, expected: list[str]
) -> None:
    assert codes(openapi["paths"][path][method.lower()], status) == expected


def parameter(openapi: dict[str, Any], path: str, name: str, method: str = "get") -> Any:
    [found] = [p for p in openapi["paths"][path][method]["parameters"] if p["name"] == name]
    schema = found["schema"]
    # an optional parameter: the non-null side of the union
    return next((s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"), schema)


def test_parameters_declare_their_patterns_and_bounds(openapi: dict[str, Any]) -> None:
    ref = parameter(openapi, "/invoices/{ref}", "ref")["pattern"]
    assert re.fullmatch(ref, "FA-2026-00001")
    assert re.fullmatch(ref, str(uuid.uuid4()))
    for bad in ("AV-2026-00001", "FA-26-00001", "fa-2026-00001", "FA-2026-1", "x" * 36):
        assert not re.fullmatch(ref, bad), bad
    for path, name in (
        ("/customers/{siren}", "siren"),
        ("/invoices", "siren"),
        ("/credit-notes", "siren"),
        ("/customers", "siren"),
    ):
        assert parameter(openapi, path, name)["pattern"] == "^[0-9]{9}$", (path, name)
    for path, name in (("/exports/fec/{year}", "year"), ("/invoices", "dues_year")):
        year = parameter(openapi, path, name)
        assert (year["minimum"], year["maximum"]) == (2000, 2100), (path, name)
    assert parameter(openapi, "/payments/{payment_id}", "payment_id")["format"] == "uuid"
    status = openapi["components"]["schemas"]["Status"]
    assert set(status["enum"]) == {"unpaid", "partly_paid", "overdue", "paid", "cancelled"}
    kind = parameter(openapi, "/invoices", "kind")
    assert set(kind["enum"]) == {
        "membership_new",
        "membership_renewal",
        "plan_upgrade",
        "auditorium",
    }
    for path in ("/invoices", "/credit-notes", "/customers", "/payments"):
        limit = parameter(openapi, path, "limit")
        assert (limit["minimum"], limit["maximum"]) == (1, 500), path


def test_no_string_parameter_is_looser_in_the_document_than_in_the_validation(
    openapi: dict[str, Any],
) -> None:
    for method, path, operation in operations(openapi):
        for p in operation.get("parameters", []):
            schema = parameter(openapi, path, p["name"], method.lower())
            if schema.get("type") == "string":
                constrained = {"pattern", "format", "enum"} & set(schema)
                assert constrained, (method, path, p["name"], schema)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/invoices", "siren=12345678"),
        ("/invoices", "dues_year=1999"),
        ("/invoices", "dues_year=2101"),
        ("/invoices", "status=credited"),
        ("/invoices", "kind=booking"),
        ("/invoices", "limit=501"),
        ("/invoices", "issued_from=2025-02-01&issued_to=2025-01-01"),
        ("/exports/fec/2101", ""),
        ("/customers/12345678a", ""),
        ("/customers", "name=%00"),
        ("/invoices/AV-2025-00001", ""),
        ("/payments/not-a-uuid", ""),
        ("/payments", "received_from=2025-02-30"),
    ],
)
async def test_a_parameter_outside_its_declared_bounds_is_a_422_problem(
    client: httpx.AsyncClient, finance: dict[str, str], path: str, query: str
) -> None:
    r = await client.get(f"{path}?{query}" if query else path, headers=finance)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == PROBLEM_JSON
    assert r.json()["code"] == "validation"


@pytest.mark.parametrize(
    ("path", "content_type", "accepted"),
    [
        ("/payments", "text/plain", "application/json"),
        ("/payments/import", "application/json", "text/csv"),
    ],
)
async def test_a_body_of_the_wrong_type_is_a_415_problem(
    client: httpx.AsyncClient,
    finance: dict[str, str],
    path: str,
    content_type: str,
    accepted: str,
) -> None:
    body = (
        b'{"method": "transfer", "amount": "10.00", "received_on": "2025-05-05", '
        b'"bank_reference": "T-415"}'
    )
    r = await client.post(path, content=body, headers={**finance, "content-type": content_type})
    assert r.status_code == 415, r.text
    assert r.headers["content-type"] == PROBLEM_JSON
    assert r.json()["code"] == "unsupported_media_type"
    assert accepted in r.json()["detail"]
    listed = await client.get("/payments?limit=500&received_from=2025-05-05", headers=finance)
    assert "T-415" not in {p["bank_reference"] for p in listed.json()["items"]}


async def test_x3_another_structures_resource_is_a_404_on_every_member_readable_endpoint(
    billing: BillingRuntime,
    clock: FixedClock,
    client: httpx.AsyncClient,
    finance: dict[str, str],
    token: Callable[..., dict[str, str]],
) -> None:
    clock.set(datetime(2025, 7, 1, 9, tzinfo=UTC))
    mine, theirs = approved(year=2025), approved(year=2025)
    await deliver(billing, mine)
    await deliver(billing, theirs)
    their_invoice = await the_invoice(billing, theirs.siren)
    credited = await client.post(
        f"/invoices/{their_invoice.number}/credit-notes",
        json={"amount": "10.00", "reason": "Remise"},
        headers=finance,
    )
    assert credited.status_code == 201
    member = token(Role.MEMBER, siren=mine.siren)
    theirs_paths = [
        f"/invoices?siren={theirs.siren}",
        f"/invoices/{their_invoice.id}",
        f"/invoices/{their_invoice.number}",
        f"/invoices/{their_invoice.number}/pdf",
        f"/credit-notes?siren={theirs.siren}",
        f"/customers?siren={theirs.siren}",
        f"/customers/{theirs.siren}",
    ]
    for path in theirs_paths:
        seen_by_finance = await client.get(path, headers=finance)
        assert seen_by_finance.status_code == 200, (path, seen_by_finance.text)
        refused = await client.get(path, headers=member)
        assert refused.status_code == 404, (path, refused.text)
        assert refused.headers["content-type"] == PROBLEM_JSON
        assert refused.json()["code"] == "not_found"
    # the answer is the one for something that does not exist at all
    nowhere = await client.get("/invoices/FA-1999-99999", headers=member)
    assert nowhere.status_code == 404
    assert nowhere.json()["code"] == "not_found"
    # and its own structure's resources answer
    for path in (
        f"/invoices?siren={mine.siren}",
        f"/credit-notes?siren={mine.siren}",
        f"/customers?siren={mine.siren}",
        f"/customers/{mine.siren}",
    ):
        assert (await client.get(path, headers=member)).status_code == 200, path
    customers = (await client.get("/customers", headers=member)).json()
    assert [c["siren"] for c in customers["items"]] == [mine.siren]
    notes = (await client.get("/credit-notes", headers=member)).json()
    assert notes["items"] == []
