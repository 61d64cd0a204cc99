"""The problem responses in every service's OpenAPI document, and the codes each endpoint returns.

Every error really is ``application/problem+json`` (:mod:`shared.problems`); this module makes
the document say so: a ``Problem`` schema, the 401/403 of every secured operation, the 415 of
every operation with a body, the 422 of validation, and the 404/409/422 codes a route declares
with :func:`problem_responses`::

    @router.post("/sessions/{id}/enrollments", responses=problem_responses(
        {404: ["not_found"], 409: ["T10"], 422: ["T2", "T3", "T6"]}))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import FastAPI

from shared.problems import PROBLEM_JSON

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "An RFC 9457 problem document. `code` is stable: the rule id of the charter "
    "(`M5`, `T3`, `B5`, `F2`, `X3`...) where a rule caused the error, else `validation`, "
    "`not_found`, `conflict`, `too_large`, `unsupported_media_type`...",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "correlation_id": {"type": ["string", "null"]},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "additionalProperties": True,
}

_REF = {"$ref": "#/components/schemas/Problem"}
_CODES = "x-problem-codes"
_DESCRIPTIONS = {
    400: "Bad request",
    401: "No valid bearer token (code X3)",
    403: "The token's role may not do this (code X3)",
    404: "Not found, or not the caller's to see (code not_found)",
    409: "Conflict with the current state",
    413: "The body is too large (code too_large)",
    415: "The body's content type is not one this operation accepts (code unsupported_media_type)",
    422: "Refused: the request's form (code validation) or a rule",
}


def problem_responses(codes: Mapping[int, Iterable[str]]) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route: for each status, the problem codes it may carry."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status, status_codes in codes.items():
        listed = list(status_codes)
        responses[status] = {
            "description": f"{_DESCRIPTIONS.get(status, 'Error')}: " + ", ".join(listed),
            _CODES: listed,
        }
    return responses


def _problem_content() -> dict[str, Any]:
    return {PROBLEM_JSON: {"schema": _REF}}


def _document_operation(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    wanted: dict[int, list[str]] = {}
    if operation.get("parameters") or "requestBody" in operation:
        wanted[422] = ["validation"]
    if operation.get("security"):
        wanted[401] = ["X3"]
        wanted[403] = ["X3"]
    if "requestBody" in operation:
        wanted[415] = ["unsupported_media_type"]
    for status, default_codes in wanted.items():
        response = responses.setdefault(str(status), {"description": _DESCRIPTIONS[status]})
        codes = response.setdefault(_CODES, [])
        for code in default_codes:
            if code not in codes:
                codes.insert(0, code)
    for key, response in responses.items():
        if not key.isdigit() or int(key) < 400:
            continue
        response["content"] = _problem_content()
        codes = response.get(_CODES)
        if codes:
            base = _DESCRIPTIONS.get(int(key), response.get("description", "Error"))
            response["description"] = f"{base.split(':')[0]}; codes: " + ", ".join(codes)


def document_problems(app: FastAPI) -> None:
    """Make ``app.openapi()`` describe every error response as a ``Problem``.

    FastAPI builds the document (with everything the app declares: tags, servers...); the
    error responses are rewritten once, when it is first asked for.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for path_item in schema.get("paths", {}).values():
                for method, operation in path_item.items():
                    if method in {"get", "post", "put", "patch", "delete"}:
                        _document_operation(operation)
            schemas = schema.setdefault("components", {}).setdefault("schemas", {})
            schemas["Problem"] = PROBLEM_SCHEMA
            for unused in ("HTTPValidationError", "ValidationError"):
                schemas.pop(unused, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
