"""Sample files of the format tests, written from the published formats."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def sample() -> type[Samples]:
    return Samples


class Samples:
    @staticmethod
    def read(name: str) -> bytes:
        return (SAMPLES / name).read_bytes()
