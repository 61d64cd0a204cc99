"""The AsyncAPI documents of ``docs/asyncapi/``: what the contracts give, what the running apps
serve, and valid AsyncAPI 3.0.0 by the official JSON Schema (vendored under ``schema/``)."""

from __future__ import annotations

import copy
import functools
import importlib
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from shared.testing.helpers import asgi_client

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "asyncapi"
SCHEMA: dict[str, Any] = json.loads(
    (Path(__file__).parent / "schema" / "asyncapi-3.0.0.json").read_text()
)
SERVICES = ("membership", "training", "booking", "billing", "exchange")


def _script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "capmetiers_scripts_asyncapi", ROOT / "scripts" / "asyncapi.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()
BUILT: dict[str, str] = SCRIPT.documents()


@functools.cache
def _kept(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.load((DOCS / name).read_text(), Loader=SCRIPT.Loader)
    return data


def kept(name: str) -> dict[str, Any]:
    """The document kept in the repository (a copy: a test may change it)."""
    return copy.deepcopy(_kept(name))


def errors_of(document: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA)
    return [
        f"{list(e.absolute_path)}: {e.message[:200]}"
        for e in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]


def test_x2_the_kept_documents_are_what_the_contracts_give() -> None:
    assert sorted(p.name for p in DOCS.glob("*.yaml")) == sorted(BUILT)
    stale = [name for name, content in BUILT.items() if (DOCS / name).read_text() != content]
    assert not stale, f"stale: {stale}; run uv run python scripts/asyncapi.py"


@pytest.mark.parametrize("name", sorted(BUILT))
def test_x2_every_document_is_valid_asyncapi_3(name: str) -> None:
    assert errors_of(kept(name)) == []


def test_x2_the_official_schema_refuses_a_broken_document() -> None:
    broken = copy.deepcopy(kept("partners.yaml"))
    broken["servers"]["development"].pop("protocol")
    first = next(iter(broken["operations"].values()))
    first["action"] = "publish"
    assert len(errors_of(broken)) >= 2


@pytest.mark.parametrize("name", sorted(BUILT))
def test_x2_every_message_has_its_schema_and_an_example(name: str) -> None:
    document = kept(name)
    messages = document["components"]["messages"]
    assert messages, name
    for key, message in messages.items():
        schema = document["components"]["schemas"][message["payload"]["$ref"].rsplit("/", 1)[1]]
        assert schema["properties"]["payload"]["$ref"], key
        assert message["examples"][0]["payload"]["event_type"] == message["name"], key


def test_x2_server_variables_name_host_port_and_vhost() -> None:
    for server in kept("partners.yaml")["servers"].values():
        assert set(server["variables"]) == {"host", "port", "vhost"}
        assert server["host"] == "{host}:{port}"
        assert server["pathname"] == "/{vhost}"


@pytest.mark.parametrize("service", SERVICES)
async def test_x2_each_app_serves_the_kept_document(service: str) -> None:
    app = importlib.import_module(f"{service}.app").create_app(
        importlib.import_module(f"{service}.service").build_runtime(_default_settings(service))
    )
    async with asgi_client(app) as client:
        served = (await client.get("/asyncapi.json")).json()
        assert served == kept(f"{service}.yaml")
        assert (await client.get("/asyncapi")).status_code == 200
        if service == "exchange":
            partners = await client.get("/partners/asyncapi.json")
            assert partners.json() == kept("partners.yaml")


def _default_settings(service: str) -> Any:
    """The service's settings with the default namespace, whatever this run's environment."""
    module = importlib.import_module(f"{service}.settings")
    settings_class = next(
        value
        for key, value in vars(module).items()
        if key.endswith("Settings") and key.lower().startswith(service)
    )
    return settings_class(rabbitmq_namespace="capmetiers")
