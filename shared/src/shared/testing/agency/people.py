"""Who the agency's scenarios name: member structures (their SIREN, plan and head office) and
their employees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.testing.identifiers import siret_of


@dataclass(frozen=True)
class Structure:
    """A structure of a scenario, named by its ``label`` (``s01``...) in the scenario's steps."""

    label: str
    siren: str
    plan: str
    city: str
    postal_code: str
    #: The commune's INSEE code: M1 decides on it.
    insee_code: str
    #: Its name in the register; unset: ``Structure S01 de Bordeaux``.
    name: str | None = None
    legal_form: str = "association"
    address_line: str = "1 place de la Mairie"
    training_organisation: bool = False
    activity_declaration_number: str | None = None
    #: Its address for the agency's mail; unset: ``contact@s01.example.org``.
    mail: str | None = None

    @property
    def legal_name(self) -> str:
        return self.name or f"Structure {self.label.upper()} de {self.city}"

    @property
    def siret(self) -> str:
        return siret_of(self.siren, 1)

    def establishment(self, nic: int) -> str:
        return siret_of(self.siren, nic)

    def registration(self) -> dict[str, Any]:
        """The body of ``POST /structures`` registering it, its head office its establishment 1."""
        body: dict[str, Any] = {
            "siren": self.siren,
            "legal_name": self.legal_name,
            "legal_form": self.legal_form,
            "email": self.mail or f"contact@{self.label}.example.org",
            "head_office": {
                "siret": self.siret,
                "address_line": self.address_line,
                "postal_code": self.postal_code,
                "city": self.city,
                "insee_code": self.insee_code,
            },
        }
        if self.training_organisation:
            body["training_organisation"] = True
            body["activity_declaration_number"] = self.activity_declaration_number
        return body


@dataclass(frozen=True)
class Person:
    """An employee of a structure (or of one of its establishments), named ``s01-a``...; a
    scenario may give real names (``first_name``, ``last_name``)."""

    label: str
    siret: str
    first_name: str | None = None
    last_name: str | None = None
    mail: str | None = None

    @property
    def email(self) -> str:
        return self.mail or f"{self.label}@salaries.example.org"

    def body(self) -> dict[str, str]:
        first, _, last = self.label.partition("-")
        return {
            "first_name": self.first_name or f"Prénom {last.upper()}",
            "last_name": self.last_name or f"Nom {first.upper()}",
            "email": self.email,
            "siret": self.siret,
        }
