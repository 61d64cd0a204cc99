"""Facts the M11 tests share: the statutes' settings, a roll of members, a convened assembly.

The tests name the same structures by the same SIRENs: ``"111111111"`` to ``"888888888"`` are
members on the assembly's day, ``"999999999"`` is not.
"""

from __future__ import annotations

from datetime import date, time
from uuid import UUID

import pytest

from membership.governance.assembly import Assembly, Venue
from membership.governance.electorate import Electorate, Voter
from membership.governance.settings import GovernanceSettings

HELD_ON = date(2026, 6, 12)
CONVENED_ON = date(2026, 5, 20)
ASSEMBLY_ID = UUID("00000000-0000-4000-8000-00000000a601")
LAPSED = "999999999"
#: Eight members and one structure whose membership lapsed.
NAMES = {
    "111111111": "Mission locale des Landes",
    "222222222": "Lycée professionnel de Bayonne",
    "333333333": "Association Emploi; Insertion",
    "444444444": "CIO de Poitiers",
    "555555555": "Commune de Tulle",
    "666666666": "Organisme Forma'Sud",
    "777777777": "Maison de l'emploi de Guéret",
    "888888888": "Espace métiers Aquitaine",
    LAPSED: "Ancien adhérent",
}


@pytest.fixture
def settings() -> GovernanceSettings:
    return GovernanceSettings()


@pytest.fixture
def electorate() -> Electorate:
    return Electorate.of(
        HELD_ON,
        [
            Voter(siren, name, siren != LAPSED, f"contact@{siren}.example")
            for siren, name in NAMES.items()
        ],
    )


@pytest.fixture
def assembly(settings: GovernanceSettings) -> Assembly:
    return Assembly.convene(
        id=ASSEMBLY_ID,
        title="Assemblée générale ordinaire 2026",
        held_on=HELD_ON,
        starts_at=time(14, 0),
        venue=Venue(address="Cap Métiers, 102 avenue de Canéjan, Pessac", link=None),
        agenda=["Rapport moral", "Rapport financier", "Élection du conseil"],
        today=CONVENED_ON,
        settings=settings,
    )
