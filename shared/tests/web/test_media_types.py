"""A body of a type the operation does not take is a 415 problem; what it documents passes."""

from __future__ import annotations

import json

import httpx
import pytest

from shared.problems import PROBLEM_JSON

APPLICATION = json.dumps({"plan": "simple", "year": 2026})


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_a_json_body_sent_as_another_type_is_a_415_problem(
    service_client: httpx.AsyncClient, content_type: str | None
) -> None:
    headers = {"X-Correlation-ID": "c-415"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    response = await service_client.post(
        "/structures/356000000/applications", content=APPLICATION, headers=headers
    )
    assert response.status_code == 415
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["x-correlation-id"] == "c-415"
    body = response.json()
    assert body["code"] == "unsupported_media_type"
    assert body["status"] == 415
    assert body["correlation_id"] == "c-415"
    assert body["instance"] == "/structures/356000000/applications"
    assert "application/json" in body["detail"]


async def test_json_with_parameters_is_accepted(service_client: httpx.AsyncClient) -> None:
    response = await service_client.post(
        "/structures/356000000/applications",
        content=APPLICATION,
        headers={"Content-Type": "Application/JSON; charset=utf-8"},
    )
    assert response.status_code == 200
    assert response.json() == {"siren": "356000000", "plan": "simple"}


async def test_a_documented_csv_body_is_accepted_and_json_there_is_refused(
    service_client: httpx.AsyncClient,
) -> None:
    csv = await service_client.post(
        "/imports", content=b"a;b\n1;2\n", headers={"Content-Type": "text/csv; charset=utf-8"}
    )
    assert csv.status_code == 200
    assert csv.json() == {"lines": 2}
    refused = await service_client.post("/imports", json={"lines": ["a"]})
    assert refused.status_code == 415
    assert "text/csv" in refused.json()["detail"]


@pytest.mark.parametrize(
    "content_type", ["application/merge-patch+json", "application/json", "application/x+json"]
)
async def test_json_suffixed_types_are_accepted_where_json_is(
    service_client: httpx.AsyncClient, content_type: str
) -> None:
    response = await service_client.patch(
        "/structures/356000000",
        content=json.dumps({"name": "Atelier"}),
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 200
    assert response.json() == {"siren": "356000000", "name": "Atelier"}
    application = await service_client.post(
        "/structures/356000000/applications",
        content=APPLICATION,
        headers={"Content-Type": content_type},
    )
    assert application.status_code == 200


async def test_without_a_body_the_route_decides(service_client: httpx.AsyncClient) -> None:
    """No body is not a body of the wrong type: optional, it is no error; required, it is the
    validation problem that names it."""
    optional = await service_client.post("/notes")
    assert optional.status_code == 200
    assert optional.json() == {"text": None}
    required = await service_client.post("/structures/356000000/applications")
    assert required.status_code == 422
    assert required.json()["code"] == "validation"
    assert [e["location"] for e in required.json()["errors"]] == ["body"]


async def test_a_wrong_type_on_an_unknown_route_or_method_is_not_a_415(
    service_client: httpx.AsyncClient,
) -> None:
    unknown = await service_client.post("/nowhere", content=b"x", headers={"Content-Type": "a/b"})
    assert unknown.status_code == 404
    wrong_method = await service_client.put(
        "/structures/356000000/applications", content=b"x", headers={"Content-Type": "a/b"}
    )
    assert wrong_method.status_code == 405
