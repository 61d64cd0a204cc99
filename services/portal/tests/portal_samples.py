"""What the services answer, in their shapes, for the portal's tests."""

from __future__ import annotations

from typing import Any

MEMBER_SIREN = "356000000"
OTHER_SIREN = "732829320"


def structure(siren: str = MEMBER_SIREN, **changes: Any) -> dict[str, Any]:
    body = {
        "siren": siren,
        "legal_name": "Mission Locale des Graves",
        "legal_form": "association",
        "public_body": False,
        "training_organisation": True,
        "activity_declaration_number": "75331234533",
        "head_office_siret": f"{siren}00012",
        "address_line": "12 cours de la Marne",
        "postal_code": "33800",
        "city": "Bordeaux",
        "insee_code": "33063",
        "email": "contact@example.org",
        "contact_name": "Camille Martin",
        "phone": None,
        "qualiopi_number": "Q-2025-0042",
        "qualiopi_valid_until": "2027-06-30",
        "establishments": [
            {
                "siret": f"{siren}00012",
                "name": "Siège",
                "role": "head_office",
                "postal_code": "33800",
                "city": "Bordeaux",
                "insee_code": "33063",
            }
        ],
    }
    body.update(changes)
    return body


def rights(status: str = "active", plan: str | None = "simple", **changes: Any) -> dict[str, Any]:
    body = {
        "siren": MEMBER_SIREN,
        "resolved_from_siret": None,
        "on": "2026-03-10",
        "status": status,
        "plan": plan,
        "membership_id": "6c8f5c1e-3a55-4a1f-9e6b-1b7c1d3c9a01",
        "valid_until": "2026-12-31",
        "grace_until": None,
        "rights": {
            "parcourspro": True,
            "innovation_lab": True,
            "lab_studio": False,
            "room_booking": plan == "premium",
            "extranet": True,
        },
        "beneficiary_sirets": [],
    }
    body.update(changes)
    return body


def membership(year: int = 2026, state: str = "active", plan: str = "simple") -> dict[str, Any]:
    return {
        "id": "6c8f5c1e-3a55-4a1f-9e6b-1b7c1d3c9a01",
        "siren": MEMBER_SIREN,
        "year": year,
        "plan": plan,
        "kind": "new",
        "state": state,
        "amount": "100.00",
        "valid_from": f"{year}-02-03",
        "premium_from": None,
        "lapsed_on": None,
        "lapse_reason": None,
    }


def invoice(
    number: str = "FA-2026-00007", status: str = "unpaid", **changes: Any
) -> dict[str, Any]:
    body = {
        "id": "0b7a3a2e-8f0e-4b57-9d2d-6d0f7e5b1c11",
        "number": number,
        "kind": "membership_new",
        "subject_id": "6c8f5c1e-3a55-4a1f-9e6b-1b7c1d3c9a01",
        "membership_id": "6c8f5c1e-3a55-4a1f-9e6b-1b7c1d3c9a01",
        "siren": MEMBER_SIREN,
        "year": 2026,
        "plan": "simple",
        "customer": {
            "siren": MEMBER_SIREN,
            "legal_name": "Mission Locale des Graves",
            "address_line": "12 cours de la Marne",
            "postal_code": "33800",
            "city": "Bordeaux",
            "siret": f"{MEMBER_SIREN}00012",
            "public_body": False,
        },
        "issued_on": "2026-02-01",
        "due_on": "2026-03-03",
        "total": "100.00",
        "credited": "0.00",
        "paid": "0.00",
        "outstanding": "100.00",
        "overpaid": "0.00",
        "status": status,
        "paid_on": None,
        "overdue_on": None,
        "lines": [],
        "credit_notes": [],
    }
    body.update(changes)
    return body


def page(
    items: list[Any], total: int | None = None, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    return {
        "items": items,
        "total": len(items) if total is None else total,
        "limit": limit,
        "offset": offset,
    }


TEXT = (
    "Association d'accompagnement vers l'emploi des jeunes du Médoc, qui anime des ateliers "
    "d'orientation et de découverte des métiers."
)


def application(status: str = "pending_review", **changes: Any) -> dict[str, Any]:
    body = {
        "id": "9f1c1d9a-27a1-4c1e-8d5e-0f6b0a7d2c33",
        "siren": MEMBER_SIREN,
        "legal_name": "Mission Locale des Graves",
        "year": 2026,
        "plan": "premium",
        "kind": "new",
        "status": status,
        "submitted_at": "2026-03-01T10:00:00Z",
        "decided_at": None,
        "rejection_reason": None,
        "membership_id": None,
        "structure_text": TEXT,
        "activity_text": TEXT,
        "motivations_text": TEXT,
    }
    body.update(changes)
    return body


# -- training (services/training/src/training/api/schemas.py) ----------------------------------

SESSION_ID = "5b0c0c8e-1f7e-4a55-8f59-3c5f0f0a1e01"
ACTION_ID = "5b0c0c8e-1f7e-4a55-8f59-3c5f0f0a1e02"


def session(**changes: Any) -> dict[str, Any]:
    body = {
        "id": SESSION_ID,
        "action_id": ACTION_ID,
        "action_type": "training",
        "title": "Accueillir un public en situation de handicap",
        "description": "Deux jours pour adapter son accueil.",
        "remote": False,
        "starts_on": "2026-04-14",
        "ends_on": "2026-04-15",
        "capacity": 12,
        "place": "Cap Métiers, Pessac",
        "department": "33",
        "registration_opens_on": "2026-01-26",
        "cancelled": False,
        "cancel_reason": None,
        "places_taken": 3,
        "remaining_places": 9,
        "waiting": 0,
    }
    body.update(changes)
    return body


def enrollment(number: int = 1, status: str = "confirmed", **changes: Any) -> dict[str, Any]:
    body = {
        "id": f"7d1e0c8e-1f7e-4a55-8f59-3c5f0f0a1e{number:02d}",
        "session_id": SESSION_ID,
        "action_id": ACTION_ID,
        "action_type": "training",
        "title": "Accueillir un public en situation de handicap",
        "starts_on": "2026-04-14",
        "siren": MEMBER_SIREN,
        "siret": f"{MEMBER_SIREN}00012",
        "email": f"salarie{number}@example.org",
        "first_name": "Léa",
        "last_name": f"Dupont {number}",
        "status": status,
        "position": 1 if status == "waiting" else None,
        "waiting_reason": "T4" if status == "waiting" else None,
        "attendance": None,
        "counted": status == "confirmed",
        "end_reason": None,
        "by_staff": False,
        "requested_at": "2026-03-01T10:00:00Z",
    }
    body.update(changes)
    return body


def employee_year(email: str, remaining: int = 3, **changes: Any) -> dict[str, Any]:
    body = {
        "email": email,
        "year": 2026,
        "max_actions": 4,
        "max_trainings": 3,
        "counted_actions": 4 - remaining,
        "counted_trainings": 4 - remaining,
        "remaining_actions": remaining,
        "remaining_trainings": min(remaining, 3),
        "entries": [],
    }
    body.update(changes)
    return body


# -- booking (services/booking/src/booking/api/schemas.py) ---------------------------------------

ROOM_ID = "9a2f0c8e-1f7e-4a55-8f59-3c5f0f0a1e01"


def resource(**changes: Any) -> dict[str, Any]:
    body = {
        "id": ROOM_ID,
        "name": "Salle Garonne",
        "kind": "meeting_room",
        "capacity": 20,
        "equipment": ["vidéoprojecteur"],
        "requires_qualiopi": False,
        "active": True,
        "description": None,
        "site": "Centre Régional Vincent Merle, Pessac",
    }
    body.update(changes)
    return body


def day_out(day: str = "2026-03-16", **changes: Any) -> dict[str, Any]:
    body = {
        "date": day,
        "open": True,
        "closed_because": None,
        "detail": None,
        "opens_at": "08:30:00",
        "closes_at": "18:00:00",
        "free": [{"starts_at": "08:30:00", "ends_at": "18:00:00"}],
        "booked": [],
    }
    body.update(changes)
    return body


def booking(**changes: Any) -> dict[str, Any]:
    body = {
        "id": "3c4d0c8e-1f7e-4a55-8f59-3c5f0f0a1e01",
        "siren": MEMBER_SIREN,
        "resource_id": ROOM_ID,
        "resource_name": "Salle Garonne",
        "resource_kind": "meeting_room",
        "date": "2026-03-16",
        "starts_at": "09:00:00",
        "ends_at": "12:00:00",
        "purpose": "Atelier d'orientation pour des jeunes",
        "purpose_category": "guidance",
        "attendance": 12,
        "parking_passes": 2,
        "participant_email": None,
        "amount": None,
        "status": "active",
        "created_at": "2026-03-10T09:00:00Z",
        "cancelled_at": None,
        "cancel_reason": None,
        "credit_returned": None,
    }
    body.update(changes)
    return body
