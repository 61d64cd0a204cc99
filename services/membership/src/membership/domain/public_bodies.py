"""Public bodies invoiced through Chorus Pro (F8): the references membership keeps for billing.

A public body (lycée, commune, mission locale...) gives the agency its Chorus Pro *code
service* (the department of the body that receives the invoice) and *numéro d'engagement*
(its commitment number), and says whether it requires each on its invoices: Chorus Pro refuses
an invoice without a reference the body requires. **Decisions**: only a public body carries
them; a reference it requires must be given; a structure that is no longer a public body loses
them. Lengths are Chorus Pro's: 100 characters for a service code, 50 for a commitment number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from shared.errors import RuleViolated

SERVICE_CODE_MAX = 100
COMMITMENT_NUMBER_MAX = 50
#: Letters, digits and the separators references are written with; no control character.
_PREFIX = "chorus_"
_REFERENCE = re.compile(r"^[\w\-./ ]+$", re.UNICODE)


@dataclass(frozen=True)
class ChorusReferences:
    service_code: str | None = None
    commitment_number: str | None = None
    service_code_required: bool = False
    commitment_required: bool = False

    @property
    def any(self) -> bool:
        """Whether anything is set: a reference, or a requirement."""
        return self != ChorusReferences()

    def columns(self) -> dict[str, Any]:
        """As the structure's ``chorus_*`` fields."""
        return {f"{_PREFIX}{f.name}": getattr(self, f.name) for f in fields(self)}

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> ChorusReferences:
        """From ``chorus_*`` fields (those missing keep their defaults)."""
        names = {f.name for f in fields(cls)}
        named = {k.removeprefix(_PREFIX): v for k, v in values.items() if k.startswith(_PREFIX)}
        return cls(**{k: v for k, v in named.items() if k in names})


def _reference(value: str | None, what: str, limit: int) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > limit:
        raise RuleViolated("F8", f"A Chorus Pro {what} is at most {limit} characters.")
    if not _REFERENCE.match(text):
        raise RuleViolated(
            "F8", f"A Chorus Pro {what} is made of letters, digits, spaces and - _ . /."
        )
    return text


def check_chorus(public_body: bool, references: ChorusReferences) -> ChorusReferences:
    """F8: the references of a public body, normalised; refused for any other structure, or
    when a reference the body requires is missing."""
    checked = replace(
        references,
        service_code=_reference(references.service_code, "service code", SERVICE_CODE_MAX),
        commitment_number=_reference(
            references.commitment_number, "commitment number", COMMITMENT_NUMBER_MAX
        ),
    )
    if not public_body:
        if checked.any:
            raise RuleViolated(
                "F8",
                "Chorus Pro references (service code, commitment number) are for public "
                "bodies only: declare the structure a public body, or leave them out.",
            )
        return checked
    if checked.service_code_required and checked.service_code is None:
        raise RuleViolated(
            "F8",
            "This public body requires a Chorus Pro service code on its invoices: give it "
            "(chorus_service_code).",
        )
    if checked.commitment_required and checked.commitment_number is None:
        raise RuleViolated(
            "F8",
            "This public body requires a commitment number on its invoices: give it "
            "(chorus_commitment_number).",
        )
    return checked


def changed_chorus(
    public_body: bool, current: ChorusReferences, given: Mapping[str, Any]
) -> ChorusReferences:
    """F8 on an update: ``given`` (``chorus_*`` fields, an empty reference clears one) over
    ``current``. A structure that is not a public body keeps none: what it had goes, and
    setting one is refused."""
    asked = ChorusReferences.of(given)
    if not public_body:
        return check_chorus(False, replace(ChorusReferences(), **_set_only(asked, given)))
    return check_chorus(True, replace(current, **_set_only(asked, given)))


def _set_only(asked: ChorusReferences, given: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of ``asked`` that ``given`` names."""
    return {f.name: getattr(asked, f.name) for f in fields(asked) if f"{_PREFIX}{f.name}" in given}
