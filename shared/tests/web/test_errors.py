"""Each error of :mod:`shared.errors` is one problem document: its status, its code, its extra
members; raised anywhere below a router of a service app."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.errors import Conflict, NotFound, RuleViolated
from shared.problems import PROBLEM_JSON, Problem


@pytest.mark.parametrize(
    ("kind", "status", "code", "title", "detail", "extra"),
    [
        (
            "rule",
            422,
            "T3",
            "Rule not satisfied",
            "The session is full.",
            {"position": 4, "waiting": ["a", "b"]},
        ),
        ("conflict", 409, "conflict", "Conflict with the current state", None, {}),
        ("conflict-rule", 409, "B5", None, "Already booked.", {"booking_id": "bk-1"}),
        ("not-found", 404, "not_found", "Not found", "No invoice FA-2026-00001.", {}),
        ("invalid", 422, "validation", "Invalid request", None, {}),
        ("invalid-rule", 422, "F4", None, "Line 3: no amount.", {"line": 3}),
        ("too-large", 413, "too_large", "Request too large", None, {}),
    ],
)
async def test_each_error_maps_to_its_status_code_and_extra_members(
    service_client: httpx.AsyncClient,
    kind: str,
    status: int,
    code: str,
    title: str | None,
    detail: str | None,
    extra: dict[str, Any],
) -> None:
    response = await service_client.get(f"/errors/{kind}", headers={"X-Correlation-ID": "c-1"})
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"].endswith(f"/problems/{code}")
    assert body["instance"] == f"/errors/{kind}"
    assert body["correlation_id"] == "c-1"
    if title is not None:
        assert body["title"] == title
    if detail is not None:
        assert body["detail"] == detail
    for name, value in extra.items():
        assert body[name] == value
    standard = {"type", "title", "status", "detail", "code", "correlation_id", "instance"}
    assert set(body) - standard == set(extra) | ({"resource"} if kind == "not-found" else set())


def test_a_rule_violation_and_a_conflict_keep_their_rule() -> None:
    assert RuleViolated("M5", "x").rule == "M5"
    assert Conflict("x").rule == "conflict"
    assert Conflict("x", rule="B5").rule == "B5"
    assert NotFound("Invoice", "FA-1").extra == {"resource": "Invoice"}


@pytest.mark.parametrize("name", ["status", "code", "detail", "title", "type", "instance"])
def test_an_extra_member_never_replaces_one_of_the_document(name: str) -> None:
    """``RuleViolated("T6", ..., status="full")`` would send a problem whose ``status`` is not
    the HTTP status: refused where it is raised, so the first test of that path shows it."""
    with pytest.raises(TypeError, match=name):
        RuleViolated("T6", "The enrollment is closed.", **{name: "full"})
    with pytest.raises(TypeError, match=name):
        Problem(401, "X3", "Invalid token", "Expired.", extra={name: "x"})
