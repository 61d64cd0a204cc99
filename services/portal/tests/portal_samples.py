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
