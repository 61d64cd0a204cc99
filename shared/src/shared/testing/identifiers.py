"""Valid French company identifiers for tests: random SIRENs and their establishments' SIRETs."""

from __future__ import annotations

import random

from stdnum import luhn

#: La Poste's SIRENs follow another check rule; tests stay clear of them.
_LA_POSTE_PREFIX = "356"


def new_siren(rng: random.Random | None = None) -> str:
    """A random Luhn-valid SIREN (La Poste's prefix avoided), drawn from ``rng`` if given (a
    seeded scenario draws the same SIRENs in every run)."""
    draw = rng or random
    while True:
        base = f"{draw.randrange(10_000_000, 100_000_000)}"
        siren = base + luhn.calc_check_digit(base)
        if not siren.startswith(_LA_POSTE_PREFIX):
            return siren


def siret_of(siren: str, nic: int = 1) -> str:
    """The SIRET of establishment ``nic`` of ``siren`` (1 is the head office here)."""
    base = f"{siren}{nic:04d}"
    return base + luhn.calc_check_digit(base)
