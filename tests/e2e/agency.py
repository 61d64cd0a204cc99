"""The agency of the year (:mod:`tests.e2e.year`): its year, its twelve structures with
deterministic SIRENs (so that two runs of the year compare label by label), and the
:class:`shared.testing.agency.Agency` acting for them on the year's platform.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

from shared.testing import agency
from shared.testing.agency import SERVICES, Json, Steps, Structure
from shared.testing.identifiers import new_siren
from tests.conftest import Platform

__all__ = ["NEXT", "SERVICES", "TEXT", "YEAR", "Agency", "Json", "Steps", "the_structures"]

#: The year of the agency the scenario lives through (then January-February of the next).
YEAR = 2031
NEXT = YEAR + 1
TEXT = (
    "Structure d'accompagnement vers l'emploi et la formation en Nouvelle-Aquitaine, "
    "qui anime des ateliers d'orientation et de découverte des métiers pour tous les publics."
)


# label, plan of its first year, head office (city, postal code, INSEE code: M1 decides on it)
_STRUCTURES = (
    ("s01", "premium", "Bordeaux", "33000", "33063"),
    ("s02", "premium", "Pau", "64000", "64445"),
    ("s03", "simple", "Limoges", "87000", "87085"),
    ("s04", "simple", "Poitiers", "86000", "86194"),
    ("s05", "simple", "La Rochelle", "17000", "17300"),
    ("s06", "premium", "Périgueux", "24000", "24322"),
    ("s07", "simple", "Mont-de-Marsan", "40000", "40192"),
    ("s08", "premium", "Agen", "47000", "47001"),
    ("s09", "simple", "Niort", "79000", "79191"),
    ("s10", "simple", "Angoulême", "16000", "16015"),
    ("s11", "premium", "Tulle", "19000", "19272"),
    ("s12", "simple", "Guéret", "23000", "23096"),
)


def the_structures(seed: int = YEAR) -> dict[str, Structure]:
    """The twelve structures of the year, the same SIRENs in every run."""
    rng = random.Random(seed)
    found: dict[str, Structure] = {}
    sirens: set[str] = set()
    for label, plan, city, postal_code, insee_code in _STRUCTURES:
        while (siren := new_siren(rng)) in sirens:
            pass
        sirens.add(siren)
        found[label] = Structure(label, siren, plan, city, postal_code, insee_code)
    return found


class Agency(agency.Agency):
    """The agency of the year: its twelve structures, on the platform's clock file."""

    def __init__(
        self,
        platform: Platform,
        clock_file: Path,
        *,
        within: float = 60.0,
        between: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(
            platform,
            clock_file,
            the_structures(),
            today=date(YEAR, 1, 1),
            within=within,
            between=between,
        )
