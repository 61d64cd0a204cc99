"""How values read in French: amounts, dates, and the labels of the services' states."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

THIN_SPACE = "\u202f"
NO_BREAK = "\u00a0"

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

LABELS: dict[str, dict[str, str]] = {
    "member_status": {
        "none": "Non adhérente",
        "pending": "Adhésion en attente de paiement",
        "active": "Adhérente",
        "grace": "Adhérente (renouvellement en cours)",
        "lapsed": "Adhésion échue",
    },
    "membership_state": {
        "awaiting_payment": "En attente de paiement",
        "active": "Payée",
        "lapsed": "Échue",
        "withdrawn": "Retirée",
    },
    "application_status": {
        "pending_review": "En attente du conseil d'administration",
        "approved": "Approuvée",
        "rejected": "Refusée",
        "processed": "Traitée",
        "withdrawn": "Retirée",
    },
    "application_kind": {"new": "Première adhésion", "renewal": "Renouvellement"},
    "plan": {"simple": "Simple", "premium": "Premium"},
    "invoice_status": {
        "unpaid": "À payer",
        "partly_paid": "Payée en partie",
        "overdue": "En retard",
        "paid": "Payée",
        "cancelled": "Annulée par avoir",
    },
    "invoice_kind": {
        "membership_new": "Cotisation — première adhésion",
        "membership_renewal": "Cotisation — renouvellement",
        "plan_upgrade": "Passage en premium",
        "auditorium": "Auditorium",
    },
    "payment_status": {
        "unmatched": "Non affecté",
        "partly_matched": "Affecté en partie",
        "matched": "Affecté",
    },
    "payment_method": {"transfer": "Virement", "cheque": "Chèque", "card": "Carte bancaire"},
    "payment_source": {"manual": "Saisi", "import": "Relevé importé"},
    "right": {
        "parcourspro": "Formations ParcoursPro",
        "innovation_lab": "Labs de l'innovation",
        "lab_studio": "Lab Studio",
        "room_booking": "Réservation de salles de réunion et de l'auditorium",
        "extranet": "Extranet des instances (assemblée générale)",
    },
    "mismatch": {
        "active_without_paid_dues": "Adhésion active sans cotisation payée",
        "paid_without_activation": "Cotisation payée, adhésion non activée",
        "dues_invoiced_twice": "Cotisation facturée deux fois",
    },
    "enrollment_status": {
        "confirmed": "Place confirmée",
        "waiting": "En liste d'attente",
        "withdrawn": "Désistement",
        "cancelled": "Annulée",
    },
    "end_reason": {
        "withdrawn_in_time": "désistement à temps, non compté",
        "withdrawn_late": "désistement tardif, compté",
        "session_cancelled": "session annulée par l'agence",
        "membership_lapsed": "fin de l'adhésion",
        "staff": "annulée par l'agence",
    },
    "attendance": {
        "present": "Présent",
        "absent_justified": "Absent, justifié",
        "absent_unjustified": "Absent, non justifié",
    },
    "action_type": {
        "training": "Formation",
        "self_training": "Parcours d'autoformation tutoré",
        "innovation_lab": "Lab de l'innovation",
    },
    "resource_kind": {
        "meeting_room": "Salle de réunion",
        "auditorium": "Auditorium",
        "lab_studio": "Lab Studio",
    },
    "purpose_category": {
        "guidance": "Orientation",
        "training": "Formation (gratuite pour les participants)",
        "employment": "Emploi",
        "paid_training": "Formation payante",
        "paid_event": "Événement payant",
        "sales": "Vente ou promotion commerciale",
        "private_event": "Événement privé",
        "other": "Autre objet",
    },
    "booking_status": {"active": "Confirmée", "cancelled": "Annulée"},
    "booking_cancel_reason": {
        "member": "annulée par la structure",
        "staff": "annulée par l'agence",
        "membership_lapsed": "annulée à la fin de l'adhésion",
    },
    "closed_because": {
        "weekend": "Week-end",
        "public_holiday": "Jour férié",
        "closure": "Fermeture",
        "no_opening_hours": "Fermé ce jour de la semaine",
        "resource_inactive": "Espace fermé à la réservation",
    },
    "assembly_state": {
        "convened": "Convoquée",
        "open": "Ouverte",
        "closed": "Close",
    },
    "proxy_status": {
        "active": "En cours",
        "withdrawn": "Retirée par la structure",
        "cancelled_by_attendance": "Annulée : la structure vient elle-même",
        "void": "Caduque à l'ouverture",
    },
    "document_kind": {
        "assembly": "Assemblée générale",
        "statutes": "Statuts et fonctionnement des instances",
        "events": "Vie de l'association",
    },
    "badge": {
        "member_of_the_year": "Adhérent de l'année",
        "assembly_participation": "A pris part à l'assemblée générale",
        "training_completed": "A suivi une formation ParcoursPro",
    },
    "badge_revocation": {
        "withdrawn": "retiré par l'agence",
        "membership_lapsed": "retiré à la fin de l'adhésion",
    },
    "establishment_role": {
        "head_office": "Siège",
        "applicant": "Établissement adhérent",
        "beneficiary": "Ayant droit",
    },
}


def label(value: Any, kind: str) -> str:
    """The French label of a service's value (the value itself when there is none)."""
    if value is None:
        return "—"
    return LABELS.get(kind, {}).get(str(value), str(value))


def euros(value: Any) -> str:
    """``"1234.5"`` → ``"1 234,50 €"`` (a narrow no-break space between thousands)."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return str(value)
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    groups: list[str] = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return f"{sign}{THIN_SPACE.join(groups)},{cents}{NO_BREAK}€"


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def date_fr(value: Any) -> str:
    """``"2025-11-20"`` → ``"20 novembre 2025"``."""
    day = _as_date(value)
    if day is None:
        return "—" if value in (None, "") else str(value)
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def day_fr(value: Any) -> str:
    """``"2026-12-07"`` → ``"lundi 7 décembre 2026"``."""
    day = _as_date(value)
    if day is None:
        return date_fr(value)
    return f"{WEEKDAYS[day.weekday()]} {date_fr(day)}"


def siren_fr(value: Any) -> str:
    """A SIREN or SIRET in its usual groups: ``356 000 000`` / ``356 000 000 00012``."""
    text = str(value or "")
    if len(text) == 9 and text.isdigit():
        return f"{text[:3]}\u00a0{text[3:6]}\u00a0{text[6:]}"
    if len(text) == 14 and text.isdigit():
        return f"{text[:3]}\u00a0{text[3:6]}\u00a0{text[6:9]}\u00a0{text[9:]}"
    return text


def hour(value: Any) -> str:
    """``"08:30:00"`` → ``"8 h 30"``, ``"14:00"`` → ``"14 h"``."""
    text = str(value or "")
    try:
        hours, minutes = int(text[:2]), int(text[3:5])
    except ValueError:
        return text or "—"
    return f"{hours} h {minutes:02d}" if minutes else f"{hours} h"


def not_answering(part_label: str) -> str:
    """``les formations ParcoursPro ne répondent pas``, ``la facturation ne répond pas``."""
    verb = "répondent" if part_label.startswith("les ") else "répond"
    return f"{part_label} ne {verb} pas"
