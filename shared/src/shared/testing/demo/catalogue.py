"""The demo year's terms and catalogue: the 2025 charter's dues and limits, the Pessac site's
rooms, a ParcoursPro catalogue of thirteen actions and thirty sessions from late February to
November, on working days (T1, B1, B8)."""

from __future__ import annotations

from datetime import date, timedelta

from shared.testing.agency.acts import Action, Resource, Session

DUES = {"simple": "100.00", "premium": "150.00", "upgrade": "50.00"}
BOOKING_TERMS = {
    "room_credits": 5,
    "auditorium_price": "250.00",
    "studio_slots_per_participant": 3,
    "pattern_weeks": 3,
}
#: T3 as the charter gives it: 4 counted actions a year, of which 3 trainings.
TRAINING_LIMITS = {"max_actions": 4, "max_trainings": 3}

ROOMS: dict[str, Resource] = {
    "garonne": ("Salle Garonne", "meeting_room", 12),
    "dordogne": ("Salle Dordogne", "meeting_room", 8),
    "charente": ("Salle Charente", "meeting_room", 16),
    "vienne": ("Salle Vienne", "meeting_room", 6),
}
RESOURCES: dict[str, Resource] = {
    **ROOMS,
    "auditorium": ("Auditorium Vincent Merle", "auditorium", 200),
    "studio": ("Lab Studio", "lab_studio", 6),
}
ACTIONS: dict[str, Action] = {
    "A01": ("training", "Accueillir tous les publics", 1),
    "A02": ("training", "Conduire un entretien d'orientation", 2),
    "A03": ("training", "Orienter les adultes en reconversion", 1),
    "A04": ("training", "Les métiers de demain en Nouvelle-Aquitaine", 1),
    "A05": ("training", "Accompagner les jeunes décrocheurs", 2),
    "A06": ("training", "Animer un atelier collectif de découverte des métiers", 1),
    "A07": ("training", "L'égalité femmes-hommes dans l'orientation", 1),
    "A08": ("training", "Le compte personnel de formation et ses usages", 1),
    "A09": ("training", "Conduire un bilan de compétences", 3),
    "A10": ("self_training", "Parcours numérique de l'orientation", None),
    "A11": ("self_training", "Les outils numériques du conseiller", None),
    "A12": ("innovation_lab", "Lab : l'intelligence artificielle et l'orientation", None),
    "A13": ("innovation_lab", "Lab : réinventer l'accueil du public", None),
}
PLACES = (
    ("Pessac, Centre Vincent Merle", "33"),
    ("Bordeaux, Cité numérique", "33"),
    ("Pau, Maison de l'emploi", "64"),
    ("Limoges, Espace Pôle Formation", "87"),
    ("Poitiers, Maison de la formation", "86"),
    ("La Rochelle, Espace Encan", "17"),
    ("Agen, Campus numérique", "47"),
    ("Périgueux, Maison des associations", "24"),
)
CAPACITIES = (12, 8, 16, 10, 14)
SESSION_COUNT = 30


def working_day(day: date, holidays: set[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def sessions(year: int, holidays: set[date]) -> dict[str, Session]:
    """Thirty sessions, the same for a year in every run: on Tuesdays (a three-day training
    ends on the Thursday) from late February to November, none on a public holiday;
    registration opens on 12 January."""
    opens = date(year, 1, 12)
    found: dict[str, Session] = {}
    actions = list(ACTIONS)
    for i in range(SESSION_COUNT):
        day = date(year, 2, 24) + timedelta(days=9 * i)
        day += timedelta(days=(1 - day.weekday()) % 7)  # the Tuesday on or after
        while day in holidays or day + timedelta(days=2) in holidays:
            day += timedelta(days=7)
        action = actions[i % len(actions)]
        kind, _, days = ACTIONS[action]
        remote = kind == "self_training"
        capacity = 30 if remote else CAPACITIES[i % len(CAPACITIES)]
        where = None if remote else PLACES[i % len(PLACES)]
        found[f"S{i + 1:02d}"] = (action, day, days or 1, capacity, opens, where)
    return found


def booking_days(year: int, holidays: set[date]) -> list[date]:
    """The site's working days from mid-February to the end of November."""
    day, last = date(year, 2, 16), date(year, 11, 27)
    days = []
    while day <= last:
        if working_day(day, holidays):
            days.append(day)
        day += timedelta(days=1)
    return days
