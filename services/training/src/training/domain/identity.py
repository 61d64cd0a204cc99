"""Who is enrolled: a person by normalised e-mail (T2), an establishment by its SIRET."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from stdnum.fr import siret as siret_number

from shared.errors import InvalidInput


def normalise_email(address: str) -> str:
    """T2: a person is identified by a normalised e-mail address.

    email-validator normalises the domain (case, IDNA) and the local part's Unicode form; the
    local part is lower-cased too (decision): mail providers treat it without case, and one
    person must not count twice toward T3 for ``Jean.Dupont`` and ``jean.dupont``."""
    try:
        valid = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(f"Not a usable e-mail address: {exc}", field="email") from None
    return valid.normalized.lower()


def parse_siret(value: str) -> str:
    """A valid SIRET (14 digits, Luhn key or La Poste's rule), spaces removed."""
    compact = siret_number.compact(value)
    if not siret_number.is_valid(compact):
        raise InvalidInput(f"{value} is not a valid SIRET.", field="siret")
    return compact


def siren_of(siret: str) -> str:
    """M7: an establishment belongs to the structure of its SIRET's first nine digits."""
    return siret[:9]
