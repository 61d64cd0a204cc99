"""What the M11 integration tests share: members of a year of their own, a convened assembly.

The roll of an assembly is every structure that is a member on its day, so a test that counts
a quorum holds its assembly in a year no other test uses: its members are then exactly the
structures it made.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from services.membership.tests.conftest import Scenario

#: Years after every other test's (and short of 2099, which one test keeps without a tariff),
#: two a test: its year and the year before.
_YEARS = itertools.count(2032, 2)


async def new_year(scenario: Scenario) -> int:
    """A year of its own, with its tariff and the year before's set."""
    year = next(_YEARS)
    for tariff_year in (year - 1, year):
        response = await scenario.client.put(
            f"/tariffs/{tariff_year}",
            json={"simple": "100.00", "premium": "150.00", "upgrade": "50.00"},
            headers=scenario.staff,
        )
        assert response.status_code == 200, response.text
    return year


async def members(scenario: Scenario, year: int, count: int) -> list[str]:
    """``count`` new structures, members (paid) of ``year``."""
    sirens = [await scenario.register() for _ in range(count)]
    for siren in sirens:
        await scenario.member_of(siren, year)
    return sirens


def representative(name: str = "Camille Durand") -> dict[str, Any]:
    return {"name": name, "email": "camille.durand@example.org", "position": "directrice"}


@dataclass
class Assembly:
    scenario: Scenario
    id: str
    held_on: date

    def on_the_day(self) -> None:
        self.scenario.at(self.held_on)

    def before_the_day(self) -> None:
        self.scenario.at(self.held_on - timedelta(days=3))

    async def attend(self, siren: str, name: str = "Camille Durand") -> Any:
        return await self.scenario.client.put(
            f"/assemblies/{self.id}/answers/{siren}",
            json={"answer": "attend", "representative": representative(name)},
            headers=self.scenario.member(siren),
        )

    async def proxy(self, giver: str, holder: str) -> Any:
        return await self.scenario.client.put(
            f"/assemblies/{self.id}/answers/{giver}",
            json={"answer": "proxy", "holder_siren": holder},
            headers=self.scenario.member(giver),
        )

    async def sign(self, siren: str, name: str = "Camille Durand") -> Any:
        return await self.scenario.client.post(
            f"/assemblies/{self.id}/attendance",
            json={"siren": siren, "representative": representative(name)},
            headers=self.scenario.staff,
        )

    async def quorum(self) -> dict[str, Any]:
        response = await self.scenario.client.get(
            f"/assemblies/{self.id}/quorum", headers=self.scenario.board
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def open(self) -> Any:
        return await self.scenario.client.post(
            f"/assemblies/{self.id}/open", headers=self.scenario.staff
        )

    async def close(self) -> Any:
        return await self.scenario.client.post(
            f"/assemblies/{self.id}/close", headers=self.scenario.staff
        )

    async def view(self, headers: dict[str, str] | None = None) -> dict[str, Any]:
        response = await self.scenario.client.get(
            f"/assemblies/{self.id}", headers=headers or self.scenario.staff
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


async def convene(
    scenario: Scenario, held_on: date, *, notice_days: int = 30, **extra: Any
) -> Assembly:
    """An assembly on ``held_on``, convened ``notice_days`` before (the clock is left there)."""
    scenario.at(held_on - timedelta(days=notice_days))
    response = await scenario.client.post(
        "/assemblies",
        json={
            "title": f"Assemblée générale ordinaire {held_on.year}",
            "held_on": held_on.isoformat(),
            "starts_at": "14:00:00",
            "address": "Cap Métiers, 102 avenue de Canéjan, 33600 Pessac",
            "agenda": ["Rapport moral", "Rapport financier", "Élection du conseil"],
            **extra,
        },
        headers=scenario.staff,
    )
    assert response.status_code == 201, response.text
    return Assembly(scenario, response.json()["id"], held_on)
