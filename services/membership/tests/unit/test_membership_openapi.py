"""The OpenAPI document says what the API does: every error is a Problem with its codes, and the
identifiers of paths and queries are no looser in the schema than in the validation."""

from __future__ import annotations

from typing import Any

import pytest

from membership.app import create_app
from membership.service import build_runtime
from membership.settings import MembershipSettings

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
METHODS = ("get", "post", "put", "patch", "delete")
#: Anyone must be able to verify a badge: these need no token (a deliberate exception to X3).
PUBLIC = {
    ("get", "/badges/issuer"),
    ("get", "/badges/status/revocation"),
    ("post", "/badges/verify"),
}
PATTERNS = {
    "siren": r"^\d{9}$",
    "siret": r"^\d{14}$",
    "identifier": r"^(\d{9}|\d{14})$",
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(build_runtime(MembershipSettings())).openapi()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS and not path.startswith("/health")
    ]


def codes(operation: dict[str, Any], status: int) -> list[str]:
    listed: list[str] = operation["responses"][str(status)]["x-problem-codes"]
    return listed


def schema_of(parameter: dict[str, Any]) -> dict[str, Any]:
    """The parameter's schema, the non-null branch of an optional one."""
    schema: dict[str, Any] = parameter["schema"]
    for branch in schema.get("anyOf", []):
        if branch.get("type") != "null":
            return {**schema, **branch}
    return schema


def test_x3_every_error_response_is_a_problem_document(document) -> None:
    assert document["components"]["schemas"]["Problem"]["required"] == [
        "type",
        "title",
        "status",
        "detail",
        "code",
    ]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    seen: set[str] = set()
    for method, path, operation in operations(document):
        responses = operation["responses"]
        # Every operation is secured (X3) but the badges' verification, and validates its
        # input, where it takes any.
        if (method, path) in PUBLIC:
            assert not {"401", "403"} & set(responses), (method, path)
        else:
            assert {"401", "403"} <= set(responses), (method, path)
            assert codes(operation, 401) == ["X3"]
            assert codes(operation, 403) == ["X3"]
        if operation.get("parameters") or "requestBody" in operation:
            assert codes(operation, 422)[0] == "validation", (method, path)
        else:
            assert "422" not in responses, (method, path)
        if "requestBody" in operation:
            assert codes(operation, 415) == ["unsupported_media_type"], (method, path)
        for status, response in responses.items():
            if int(status) >= 400:
                seen.add(status)
                assert response["content"] == PROBLEM, (method, path, status)
    assert {"401", "403", "404", "409", "415", "422"} <= seen


def test_x3_only_the_verification_of_badges_is_public_and_says_so(document) -> None:
    unsecured = {(m, p) for m, p, o in operations(document) if not o.get("security")}
    assert unsecured == PUBLIC
    for method, path in PUBLIC:
        assert "exception to X3" in document["paths"][path][method]["description"]


def test_x3_a_structure_in_the_path_may_be_a_404(document) -> None:
    for method, path, operation in operations(document):
        if "{siren}" in path or "{identifier}" in path or "{application_id}" in path:
            assert codes(operation, 404) == ["not_found"], (method, path)


@pytest.mark.parametrize(
    ("method", "path", "status", "expected"),
    [
        ("post", "/applications", 409, ["M3"]),
        ("post", "/applications", 422, ["validation", "M1", "M2", "M3", "M5", "M8"]),
        ("post", "/applications/{application_id}/approve", 409, ["M5", "M6", "conflict"]),
        ("post", "/applications/{application_id}/reject", 422, ["validation", "M5"]),
        ("post", "/structures", 409, ["conflict"]),
        ("post", "/structures/{siren}/beneficiaries", 409, ["M7", "conflict"]),
        ("post", "/structures/{siren}/upgrade", 409, ["M10"]),
        ("put", "/structures/{siren}/qualiopi", 422, ["validation", "M1", "M9"]),
        ("get", "/rights/{identifier}", 422, ["validation", "M1", "M3"]),
        ("post", "/campaigns/{year}", 422, ["validation", "M2", "M8"]),
        ("post", "/lapses/run", 422, ["validation", "M4"]),
        ("put", "/tariffs/{year}", 422, ["validation", "M2"]),
        ("post", "/structures", 422, ["validation", "M1", "M9", "F8"]),
        ("patch", "/structures/{siren}", 422, ["validation", "M1", "M9", "F8"]),
        ("post", "/assemblies", 422, ["validation", "M11"]),
        ("put", "/assemblies/{assembly_id}/answers/{siren}", 409, ["M11", "conflict"]),
        ("put", "/assemblies/{assembly_id}/answers/{siren}", 422, ["validation", "M1", "M11"]),
        ("post", "/assemblies/{assembly_id}/attendance", 409, ["M11", "conflict"]),
        ("post", "/assemblies/{assembly_id}/open", 409, ["M11", "conflict"]),
        ("get", "/assemblies/{assembly_id}/records/{record}.{file_format}", 409, ["M11"]),
        ("post", "/extranet/documents", 413, ["too_large"]),
        ("get", "/extranet/documents", 422, ["validation", "M11"]),
        ("get", "/extranet/documents/{document_id}/content", 422, ["validation", "M11"]),
        ("post", "/badges/member-of-the-year", 409, ["M11", "conflict"]),
        ("post", "/badges/{award_id}/withdraw", 409, ["M11", "conflict"]),
    ],
)
def test_routes_declare_the_rules_that_refuse_them(document, method, path, status, expected):
    assert codes(document["paths"][path][method], status) == expected


def test_m1_identifiers_are_as_strict_in_the_schema_as_in_the_validation(document) -> None:
    checked: set[str] = set()
    for method, path, operation in operations(document):
        for parameter in operation.get("parameters", []):
            schema = schema_of(parameter)
            name = parameter["name"]
            if name in PATTERNS:
                assert schema["pattern"] == PATTERNS[name], (method, path, name)
                checked.add(name)
            elif name == "application_id":
                assert schema["format"] == "uuid", (method, path)
                checked.add(name)
            elif name == "year":
                assert (schema["minimum"], schema["maximum"]) == (2000, 2100), (method, path)
                checked.add(f"year in {parameter['in']}")
            elif name in ("name", "commune"):
                assert schema["maxLength"] <= 200, (method, path, name)
    assert checked == {*PATTERNS, "application_id", "year in path", "year in query"}


@pytest.mark.parametrize(
    ("path", "filters"),
    [
        ("/structures", {"name", "siren", "commune"}),
        ("/memberships", {"year", "status", "plan"}),
        ("/applications", {"status", "year"}),
        ("/assemblies", {"state", "year"}),
        ("/extranet/documents", {"kind", "assembly_id"}),
        ("/extranet/downloads", {"document_id", "siren"}),
        ("/badges", {"siren", "badge", "revoked"}),
    ],
)
def test_lists_are_paged_and_filtered(document, path, filters) -> None:
    operation = document["paths"][path]["get"]
    assert {p["name"] for p in operation["parameters"]} == {*filters, "limit", "offset"}
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    properties = document["components"]["schemas"][page.rsplit("/", 1)[-1]]["properties"]
    assert set(properties) == {"items", "total", "limit", "offset"}


def test_m11_an_extranet_upload_documents_the_file_types_it_takes(document) -> None:
    for path in ("/extranet/documents", "/extranet/documents/{document_id}/versions"):
        operation = document["paths"][path]["post"]
        accepted = set(operation["requestBody"]["content"])
        assert {"application/pdf", "image/png"} <= accepted
        assert "text/plain" not in accepted
        assert codes(operation, 415) == ["unsupported_media_type"]
