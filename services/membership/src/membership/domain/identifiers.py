"""SIREN, SIRET and INSEE commune codes; region eligibility (M1) and beneficiaries (M7)."""

from __future__ import annotations

import re

from stdnum.exceptions import ValidationError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from shared.errors import RuleViolated

#: Departments of Nouvelle-Aquitaine (M1).
REGION_DEPARTMENTS = frozenset(
    {"16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"}
)

DEPARTMENT_NAMES: dict[str, str] = {
    "01": "Ain", "02": "Aisne", "03": "Allier", "04": "Alpes-de-Haute-Provence",
    "05": "Hautes-Alpes", "06": "Alpes-Maritimes", "07": "Ardèche", "08": "Ardennes",
    "09": "Ariège", "10": "Aube", "11": "Aude", "12": "Aveyron", "13": "Bouches-du-Rhône",
    "14": "Calvados", "15": "Cantal", "16": "Charente", "17": "Charente-Maritime", "18": "Cher",
    "19": "Corrèze", "2A": "Corse-du-Sud", "2B": "Haute-Corse", "21": "Côte-d'Or",
    "22": "Côtes-d'Armor", "23": "Creuse", "24": "Dordogne", "25": "Doubs", "26": "Drôme",
    "27": "Eure", "28": "Eure-et-Loir", "29": "Finistère", "30": "Gard", "31": "Haute-Garonne",
    "32": "Gers", "33": "Gironde", "34": "Hérault", "35": "Ille-et-Vilaine", "36": "Indre",
    "37": "Indre-et-Loire", "38": "Isère", "39": "Jura", "40": "Landes", "41": "Loir-et-Cher",
    "42": "Loire", "43": "Haute-Loire", "44": "Loire-Atlantique", "45": "Loiret", "46": "Lot",
    "47": "Lot-et-Garonne", "48": "Lozère", "49": "Maine-et-Loire", "50": "Manche",
    "51": "Marne", "52": "Haute-Marne", "53": "Mayenne", "54": "Meurthe-et-Moselle",
    "55": "Meuse", "56": "Morbihan", "57": "Moselle", "58": "Nièvre", "59": "Nord", "60": "Oise",
    "61": "Orne", "62": "Pas-de-Calais", "63": "Puy-de-Dôme", "64": "Pyrénées-Atlantiques",
    "65": "Hautes-Pyrénées", "66": "Pyrénées-Orientales", "67": "Bas-Rhin", "68": "Haut-Rhin",
    "69": "Rhône", "70": "Haute-Saône", "71": "Saône-et-Loire", "72": "Sarthe", "73": "Savoie",
    "74": "Haute-Savoie", "75": "Paris", "76": "Seine-Maritime", "77": "Seine-et-Marne",
    "78": "Yvelines", "79": "Deux-Sèvres", "80": "Somme", "81": "Tarn", "82": "Tarn-et-Garonne",
    "83": "Var", "84": "Vaucluse", "85": "Vendée", "86": "Vienne", "87": "Haute-Vienne",
    "88": "Vosges", "89": "Yonne", "90": "Territoire de Belfort", "91": "Essonne",
    "92": "Hauts-de-Seine", "93": "Seine-Saint-Denis", "94": "Val-de-Marne", "95": "Val-d'Oise",
    "971": "Guadeloupe", "972": "Martinique", "973": "Guyane", "974": "La Réunion",
    "975": "Saint-Pierre-et-Miquelon", "976": "Mayotte", "977": "Saint-Barthélemy",
    "978": "Saint-Martin", "986": "Wallis-et-Futuna", "987": "Polynésie française",
    "988": "Nouvelle-Calédonie",
}  # fmt: skip

_INSEE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
_POSTAL = re.compile(r"^\d{5}$")


def parse_siren(raw: str) -> str:
    """The compact SIREN (spaces and dots removed) if it has 9 digits and a valid Luhn key."""
    try:
        return str(stdnum_siren.validate(raw))
    except ValidationError as exc:
        raise RuleViolated(
            "M1", f"{raw!r} is not a valid SIREN (9 digits with a Luhn check digit): {exc}"
        ) from None


def parse_siret(raw: str) -> str:
    """The compact SIRET if valid (Luhn, or La Poste's digit-sum rule as INSEE defines it)."""
    try:
        return str(stdnum_siret.validate(raw))
    except ValidationError as exc:
        raise RuleViolated(
            "M1", f"{raw!r} is not a valid SIRET (14 digits with a valid check): {exc}"
        ) from None


def parse_postal_code(raw: str) -> str:
    value = raw.strip()
    if not _POSTAL.match(value):
        raise RuleViolated("M1", f"{raw!r} is not a French postal code (5 digits).")
    return value


def department_of(insee_code: str) -> str:
    """The department of an INSEE commune code: ``2A``/``2B`` in Corsica, 3 digits overseas."""
    code = insee_code.strip().upper()
    if not _INSEE.match(code):
        raise RuleViolated(
            "M1",
            f"{insee_code!r} is not an INSEE commune code (5 characters, 2A/2B in Corsica).",
        )
    if code.startswith(("97", "98")):
        return code[:3]
    return code[:2]


def describe_department(department: str) -> str:
    name = DEPARTMENT_NAMES.get(department)
    return f"{department} ({name})" if name else department


def ensure_eligible(head_office_insee: str, establishment_insee: str | None = None) -> None:
    """M1: the head office or the applying establishment lies in Nouvelle-Aquitaine.

    Decided on the INSEE commune code, never on the postal code.
    """
    found = [department_of(head_office_insee)]
    if establishment_insee is not None:
        found.append(department_of(establishment_insee))
    if any(d in REGION_DEPARTMENTS for d in found):
        return
    where = " and ".join(describe_department(d) for d in found)
    raise RuleViolated(
        "M1",
        f"The structure is not in Nouvelle-Aquitaine: commune code(s) in department {where}; "
        "the head office or the applying establishment must be in departments "
        + ", ".join(sorted(REGION_DEPARTMENTS))
        + ".",
    )


def ensure_establishment_of(siren: str, siret: str, *, rule: str = "M7") -> None:
    """M7: an establishment (beneficiary) shares its structure's SIREN."""
    if siret[:9] != siren:
        raise RuleViolated(
            rule,
            f"SIRET {siret} belongs to SIREN {siret[:9]}, not to {siren}: only establishments "
            "sharing the member's SIREN can be declared.",
        )
