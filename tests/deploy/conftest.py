"""Fixtures of the deployment tests: the repository's deployment files, read as data."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SCHEMAS = Path(__file__).resolve().parent / "schemas"


def load_script(name: str) -> ModuleType:
    """A module of ``scripts/`` (not a package), imported from its file."""
    path = ROOT / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"capmetiers_scripts_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def procfile_processes() -> list[str]:
    """The names of the processes the Procfile runs (``membership-api``...)."""
    return [
        line.split(":", 1)[0].strip()
        for line in (ROOT / "Procfile").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def procfile_services() -> list[str]:
    """The services the Procfile runs a process of (``membership``...), sorted."""
    return sorted({name.rsplit("-", 1)[0] for name in procfile_processes()})


def has_database(service: str) -> bool:
    """A service owns a database when it has migrations; a frontend (the portal) has none."""
    return (ROOT / "services" / service / "migrations").is_dir()


#: The services with a database (each: migrations, api, worker, relay) and the frontends (an
#: api only, no database, no broker), both read from the Procfile and the services' folders.
BACKENDS = [service for service in procfile_services() if has_database(service)]
FRONTENDS = [service for service in procfile_services() if not has_database(service)]


def called_by(frontend: str) -> list[str]:
    """The backends a frontend calls: those whose URL its settings name (``<service>_url``)."""
    import importlib

    module = importlib.import_module(f"{frontend}.settings")
    fields: set[str] = set()
    for value in vars(module).values():
        fields |= set(getattr(value, "model_fields", {}))
    return [service for service in BACKENDS if f"{service}_url" in fields]
