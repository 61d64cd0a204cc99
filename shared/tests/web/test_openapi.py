"""The OpenAPI document of a service app says what its errors are: a ``Problem`` schema, the
401/403 of secured operations, the 415 of operations with a body, and each route's codes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from shared.openapi import PROBLEM_SCHEMA, document_problems
from shared.problems import PROBLEM_JSON

PROBLEM_CONTENT = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}


@pytest.fixture(scope="module")
def document(service_app: FastAPI) -> dict[str, Any]:
    return service_app.openapi()


def operation(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path][method]
    return found


def codes(document: dict[str, Any], path: str, method: str) -> dict[str, list[str]]:
    responses = operation(document, path, method)["responses"]
    return {k: v.get("x-problem-codes", []) for k, v in responses.items() if int(k) >= 400}


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def test_the_problem_schema_replaces_fastapis_validation_error(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["Problem"] == PROBLEM_SCHEMA
    assert "HTTPValidationError" not in schemas
    assert "ValidationError" not in schemas
    for ref in refs(document):
        name = ref.removeprefix("#/components/schemas/")
        assert name in schemas, f"{ref} points nowhere"


def test_every_error_response_is_a_problem_document(document: dict[str, Any]) -> None:
    seen = 0
    for path, item in document["paths"].items():
        for method, op in item.items():
            for status, response in op["responses"].items():
                if int(status) >= 400:
                    assert response["content"] == PROBLEM_CONTENT, (path, method, status)
                    seen += 1
    assert seen > 10


def test_secured_operations_document_401_and_403(document: dict[str, Any]) -> None:
    secured = codes(document, "/structures/{siren}", "get")
    assert secured["401"] == ["X3"]
    assert secured["403"] == ["X3"]
    for path, method in (("/public", "get"), ("/health/live", "get")):
        assert "401" not in codes(document, path, method)
        assert "403" not in codes(document, path, method)


def test_operations_with_a_body_document_415(document: dict[str, Any]) -> None:
    for path, method in (
        ("/structures/{siren}/applications", "post"),
        ("/structures/{siren}", "patch"),
        ("/imports", "post"),
        ("/notes", "post"),
    ):
        assert codes(document, path, method)["415"] == ["unsupported_media_type"], path
    for path, method in (("/structures/{siren}", "get"), ("/public", "get")):
        assert "415" not in codes(document, path, method)
    body = operation(document, "/imports", "post")["requestBody"]["content"]
    assert set(body) == {"text/csv"}


def test_declared_codes_are_listed_with_validation_first(document: dict[str, Any]) -> None:
    declared = codes(document, "/structures/{siren}/applications", "post")
    assert declared["404"] == ["not_found"]
    assert declared["409"] == ["M6"]
    assert declared["422"] == ["validation", "M2", "M3"]
    response = operation(document, "/structures/{siren}/applications", "post")["responses"]
    assert response["409"]["description"].endswith("codes: M6")
    assert "validation, M2, M3" in response["422"]["description"]


def test_parameters_keep_their_patterns(document: dict[str, Any]) -> None:
    [siren] = operation(document, "/structures/{siren}", "get")["parameters"]
    assert siren["schema"]["pattern"] == r"^\d{9}$"


def test_the_document_keeps_what_the_app_declares() -> None:
    app = FastAPI(
        title="T",
        version="2",
        openapi_tags=[{"name": "invoices", "description": "Dues invoices"}],
        servers=[{"url": "https://api.example.org"}],
    )

    @app.get("/invoices", tags=["invoices"])
    async def invoices() -> list[str]:
        return []

    document_problems(app)
    document = app.openapi()
    assert document["tags"] == [{"name": "invoices", "description": "Dues invoices"}]
    assert document["servers"] == [{"url": "https://api.example.org"}]
    assert document["components"]["schemas"]["Problem"] == PROBLEM_SCHEMA
    assert app.openapi() is document, "built once"
