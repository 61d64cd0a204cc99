"""Structures and people of Nouvelle-Aquitaine as the demo's year names them: the kinds of body
that join the agency (missions locales, maisons de l'emploi, training organisations...), in the
region's towns (their real INSEE codes: M1 decides on them), with valid SIRENs drawn from a
seed and employees with French names."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Collection, Iterator

from shared.testing.agency import Person, Structure
from shared.testing.identifiers import new_siren

# town, postal code, INSEE code, the department's name
TOWNS = (
    ("Bordeaux", "33000", "33063", "Gironde"),
    ("Mérignac", "33700", "33281", "Gironde"),
    ("Pessac", "33600", "33318", "Gironde"),
    ("Talence", "33400", "33522", "Gironde"),
    ("Bègles", "33130", "33039", "Gironde"),
    ("Libourne", "33500", "33243", "Gironde"),
    ("Arcachon", "33120", "33009", "Gironde"),
    ("Pau", "64000", "64445", "Béarn"),
    ("Bayonne", "64100", "64102", "Pays basque"),
    ("Anglet", "64600", "64024", "Pays basque"),
    ("Oloron-Sainte-Marie", "64400", "64422", "Béarn"),
    ("Limoges", "87000", "87085", "Haute-Vienne"),
    ("Saint-Junien", "87200", "87154", "Haute-Vienne"),
    ("Poitiers", "86000", "86194", "Vienne"),
    ("Châtellerault", "86100", "86066", "Vienne"),
    ("La Rochelle", "17000", "17300", "Charente-Maritime"),
    ("Rochefort", "17300", "17299", "Charente-Maritime"),
    ("Saintes", "17100", "17415", "Charente-Maritime"),
    ("Royan", "17200", "17306", "Charente-Maritime"),
    ("Périgueux", "24000", "24322", "Dordogne"),
    ("Bergerac", "24100", "24037", "Dordogne"),
    ("Sarlat-la-Canéda", "24200", "24520", "Dordogne"),
    ("Mont-de-Marsan", "40000", "40192", "Landes"),
    ("Dax", "40100", "40088", "Landes"),
    ("Agen", "47000", "47001", "Lot-et-Garonne"),
    ("Villeneuve-sur-Lot", "47300", "47323", "Lot-et-Garonne"),
    ("Marmande", "47200", "47157", "Lot-et-Garonne"),
    ("Niort", "79000", "79191", "Deux-Sèvres"),
    ("Bressuire", "79300", "79049", "Deux-Sèvres"),
    ("Angoulême", "16000", "16015", "Charente"),
    ("Cognac", "16100", "16102", "Charente"),
    ("Tulle", "19000", "19272", "Corrèze"),
    ("Brive-la-Gaillarde", "19100", "19031", "Corrèze"),
    ("Guéret", "23000", "23096", "Creuse"),
)
NAMESAKES = (
    "Jean Moulin",
    "Simone Veil",
    "Léo Lagrange",
    "Louise Michel",
    "Jean Jaurès",
    "Marie Curie",
    "Aliénor d'Aquitaine",
    "Montesquieu",
    "François Mauriac",
    "Germaine Tillion",
    "Jacques Prévert",
    "Olympe de Gouges",
)
WORDS = (
    "Horizons",
    "Passerelles",
    "Tremplin",
    "Trajectoires",
    "Compétences",
    "Parcours",
    "Élan",
    "Rebond",
    "Déclic",
    "Boussole",
    "Sillage",
    "Archipel",
    "Cordée",
    "Escale",
)
STREETS = (
    "rue de la République",
    "avenue Jean Jaurès",
    "place de la Mairie",
    "rue Victor Hugo",
    "cours de la Libération",
    "rue du Général de Gaulle",
    "boulevard Gambetta",
    "rue Pasteur",
    "avenue de la Gare",
    "allée des Tilleuls",
)
FIRST_NAMES = (
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Émilie", "Nathalie", "Sophie",
    "Isabelle", "Claire", "Aurélie", "Marion", "Lucie", "Anne", "Thomas", "Nicolas", "Julien",
    "Maxime", "Antoine", "Mathieu", "Pierre", "Sébastien", "Karim", "Mehdi", "Olivier", "Laurent",
    "Hugo", "Romain", "Damien", "Xabi", "Peio", "Maïté", "Amaia", "Yannick",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Lafitte", "Etcheverry", "Duprat", "Lacoste", "Dufour",
    "Labat", "Larrieu", "Castaing", "Darrigrand", "Moreau", "Fournier", "Girard", "Lambert",
    "Bonnet", "Mercier", "Faure", "Rousseau", "Blanc", "Guérin", "Chevalier", "Garcia",
    "Benali", "Haddad", "Nguyen", "Lopez", "Bordes", "Dupuy", "Lagarde", "Mounier",
)  # fmt: skip


def _kinds(town: str, area: str, rng: random.Random) -> list[tuple[str, str, bool]]:
    """Names a body of ``town`` might bear: (name, legal form, runs training)."""
    word, namesake = rng.choice(WORDS), rng.choice(NAMESAKES)
    return [
        (f"Mission locale de {town}", "association", False),
        (f"Maison de l'emploi de {town}", "association", False),
        (f"Mission locale {area}", "association", False),
        (f"Cap emploi {area}", "association", False),
        (f"CIBC {area}", "association", True),
        (f"École de la deuxième chance de {town}", "association", True),
        (f"PLIE de l'agglomération de {town}", "association", False),
        (f"Centre social {namesake} de {town}", "association", False),
        (f"Association {word} Emploi {town}", "association", False),
        (f"Chantier d'insertion {word} {town}", "association", False),
        (f"{word} Formation {town}", "SARL", True),
        (f"Institut {namesake} de formation", "SAS", True),
        (f"Groupement d'employeurs {word} {area}", "association", False),
        (f"BGE {area} — antenne de {town}", "association", True),
        (f"SCOP {word} Conseil", "SCOP SARL", True),
    ]


def plain(text: str) -> str:
    """``text`` without its accents, as a bank's statement writes a name."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def slug(text: str, most: int = 40) -> str:
    """``text`` as a part of an e-mail address (``mission-locale-de-pau``)."""
    words = "".join(c if c.isalnum() else " " for c in plain(text).lower()).split()
    return "-".join(words)[:most].strip("-")


def structures(
    seed: int, taken: Collection[str], names: Collection[str] = ()
) -> Iterator[Structure]:
    """An endless stream of structures drawn from ``seed``: the same in every run, less those
    whose SIREN is in ``taken`` or whose name is in ``names`` (registered already). About a
    third are premium; a structure's label is its SIREN."""
    rng = random.Random(seed)
    sirens, used = set(taken), set(names)
    while True:
        siren = new_siren(rng)
        town, postal_code, insee_code, area = rng.choice(TOWNS)
        name, legal_form, trains = rng.choice(_kinds(town, area, rng))
        plan = "premium" if rng.random() < 0.35 else "simple"
        street = f"{rng.randrange(1, 120)} {rng.choice(STREETS)}"
        nda = f"75{insee_code[:2]}{rng.randrange(10**6, 10**7)}" if trains else None
        if siren in sirens or name in used:
            continue
        sirens.add(siren)
        used.add(name)
        yield Structure(
            label=siren,
            siren=siren,
            plan=plan,
            city=town,
            postal_code=postal_code,
            insee_code=insee_code,
            name=name,
            legal_form=legal_form,
            address_line=street,
            training_organisation=trains,
            activity_declaration_number=nda,
            mail=f"contact@{slug(name)}.example.org",
        )


def employees(structure: Structure, count: int, rng: random.Random) -> list[Person]:
    """``count`` employees of the structure's head office, labelled ``<siren>-a``..."""
    people = []
    for k in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        label = f"{structure.label}-{chr(ord('a') + k)}"
        domain = f"{slug(structure.legal_name)}.example.org"
        mail = f"{slug(first)}.{slug(last)}.{structure.siren[-4:]}{k}@{domain}"
        people.append(Person(label, structure.siret, first, last, mail))
    return people
