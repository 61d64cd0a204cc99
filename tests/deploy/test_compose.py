"""``deploy/compose.yaml``: valid for the Compose specification, and the platform whole in it."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import jsonschema
import pytest
import yaml

from tests.deploy.conftest import BACKENDS, DEPLOY, FRONTENDS, ROOT, called_by, load_script

supervise = load_script("supervise")
COMPOSE: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
PROCFILE = supervise.parse_procfile((ROOT / "Procfile").read_text())
LONG_RUNNING = [p.name for p in PROCFILE]
#: The processes of the services with a database (the frontends' have none).
WITH_DATABASE = [p.name for p in PROCFILE if p.name.rsplit("-", 1)[0] in BACKENDS]


def compose_spec_schema() -> dict[str, Any]:
    """The Compose specification's JSON Schema, as check-jsonschema vendors it."""
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    schema: dict[str, Any] = json.loads((vendor / "compose-spec.json").read_text())
    return schema


def test_the_file_follows_the_compose_specification() -> None:
    schema = compose_spec_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = sorted(validator_class(schema).iter_errors(COMPOSE), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_the_schema_refuses_what_compose_refuses() -> None:
    schema = compose_spec_schema()
    broken = {"services": {"api": {"image": "x", "depends_on": {"db": {"condition": "up"}}}}}
    assert list(jsonschema.validators.validator_for(schema)(schema).iter_errors(broken))


def test_no_top_level_name_the_project_is_named_on_the_command_line() -> None:
    assert "name" not in COMPOSE
    makefile = (ROOT / "Makefile").read_text()
    assert "-p capmetiers -f deploy/compose.yaml up --build" in makefile


def test_every_process_of_the_procfile_runs_in_compose_with_the_same_command() -> None:
    for process in PROCFILE:
        assert process.name in SERVICES, f"{process.name} is missing from compose.yaml"
        service, role = process.name.rsplit("-", 1)
        assert SERVICES[process.name]["command"] == ["python", "-m", service, role]
        assert SERVICES[process.name]["restart"] == "unless-stopped"


@pytest.mark.parametrize("service", BACKENDS)
def test_migrations_run_once_the_servers_answer_and_before_the_processes(service: str) -> None:
    migrate = SERVICES[f"{service}-migrate"]
    assert migrate["command"] == ["python", "-m", service, "migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "rabbitmq": {"condition": "service_healthy"},
    }
    for role in ("api", "worker", "relay"):
        depends_on = SERVICES[f"{service}-{role}"]["depends_on"]
        assert depends_on[f"{service}-migrate"] == {"condition": "service_completed_successfully"}
        assert depends_on["postgres"] == {"condition": "service_healthy"}
        assert depends_on["rabbitmq"] == {"condition": "service_healthy"}


def test_every_long_running_container_has_a_healthcheck() -> None:
    for name in [*LONG_RUNNING, "postgres", "rabbitmq"]:
        check = SERVICES[name].get("healthcheck", {})
        assert check.get("test"), f"{name} has no healthcheck"
        assert not check.get("disable"), name
        assert check["test"][0] in {"CMD", "CMD-SHELL"}, name
    for process in PROCFILE:
        test = " ".join(SERVICES[process.name]["healthcheck"]["test"][1:])
        if process.name.endswith("-api"):
            assert "/health/ready" in test
        else:
            assert "probe.py heartbeat" in test
            assert f"probe.py ready {process.name.rsplit('-', 1)[0]}" in test


def test_each_service_has_its_own_database_created_at_init() -> None:
    init = (DEPLOY / "postgres" / "init.sql").read_text()
    for name in [*WITH_DATABASE, *(f"{s}-migrate" for s in BACKENDS)]:
        service = name.rsplit("-", 1)[0]
        url = SERVICES[name]["environment"]["DATABASE_URL"]
        assert url.endswith(f"@postgres:5432/capmetiers_{service}"), name
        assert f"CREATE DATABASE capmetiers_{service};" in init


@pytest.mark.parametrize("frontend", FRONTENDS)
def test_a_frontend_calls_the_apis_once_they_are_healthy_and_touches_no_server(
    frontend: str,
) -> None:
    assert not (set(SERVICES) & {f"{frontend}-migrate", f"{frontend}-worker", f"{frontend}-relay"})
    api = SERVICES[f"{frontend}-api"]
    assert api["depends_on"] == {
        f"{service}-api": {"condition": "service_healthy"} for service in called_by(frontend)
    }
    environment = api["environment"]
    assert not {"DATABASE_URL", "RABBITMQ_URL"} & set(environment)
    for service in called_by(frontend):
        assert environment[f"{frontend.upper()}_{service.upper()}_URL"] == (
            f"http://{service}-api:8000"
        )
    # its sessions live in the process's memory: one container
    assert "deploy" not in api
    assert "scale" not in api


def test_apis_answer_on_the_ports_of_make_run() -> None:
    for process in PROCFILE:
        if process.name.endswith("-api"):
            port = process.env["PORT"]
            assert SERVICES[process.name]["ports"] == [f"127.0.0.1:{port}:8000"]


def test_containers_run_as_in_production_read_only_and_unprivileged() -> None:
    for name, service in SERVICES.items():
        if "build" not in service:
            continue
        assert service["read_only"] is True, name
        assert service["tmpfs"] == ["/tmp"], name
        assert service["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in service["security_opt"], name


def test_the_build_context_leaves_out_the_virtualenv_and_the_history() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in ("**/.venv", ".git", "**/__pycache__", "tests"):
        assert entry in ignored
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^USER [1-9]\d*:[1-9]\d*$", dockerfile, re.MULTILINE), (
        "a numeric non-root user"
    )
