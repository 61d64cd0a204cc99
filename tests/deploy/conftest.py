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
