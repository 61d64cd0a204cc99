"""Pages from Jinja2 templates, with what every page shows: who is signed in, the CSRF token,
the messages of the last action, the navigation of the person's roles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from portal import formats
from portal.messages import phrase, refusal, wait_reason
from portal.sessions import SignedIn
from portal.web import CSRF_FIELD, session_of
from shared.auth import Role

TEMPLATES = Path(__file__).resolve().parent / "templates"

templates = Jinja2Templates(directory=TEMPLATES)
templates.env.filters["euros"] = formats.euros
templates.env.filters["date_fr"] = formats.date_fr
templates.env.filters["day_fr"] = formats.day_fr
templates.env.filters["siren"] = formats.siren_fr
templates.env.globals["label"] = formats.label
templates.env.globals["phrase"] = phrase
templates.env.globals["refusal"] = refusal
templates.env.globals["not_answering"] = formats.not_answering
templates.env.filters["wait_reason"] = wait_reason
templates.env.filters["hour"] = formats.hour
templates.env.globals["CSRF_FIELD"] = CSRF_FIELD

#: The spaces of the portal, by role: (role, path, name).
SPACES: tuple[tuple[Role, str, str], ...] = (
    (Role.MEMBER, "/adherent", "Mon espace adhérent"),
    (Role.BOARD, "/conseil", "Conseil d'administration"),
    (Role.STAFF, "/equipe", "Équipe de l'agence"),
    (Role.FINANCE, "/finances", "Finances"),
)


def navigation(user: SignedIn | None) -> list[tuple[str, str]]:
    if user is None:
        return []
    links = [(path, name) for role, path, name in SPACES if user.has(role)]
    if user.has(Role.MEMBER):
        links += [
            ("/adherent/formations", "Formations"),
            ("/adherent/reservations", "Salles"),
            ("/adherent/assemblees", "Assemblée générale"),
            ("/adherent/extranet", "Extranet"),
            ("/adherent/badges", "Badges"),
        ]
    if user.has(Role.BOARD):
        links += [("/conseil/renouvellements", "Renouvellements")]
    if user.has(Role.STAFF):
        links += [
            ("/equipe/formations", "Formations"),
            ("/equipe/calendrier", "Calendrier de Pessac"),
        ]
    if user.has(Role.STAFF, Role.BOARD):
        links += [("/assemblees", "Assemblées générales"), ("/equipe/extranet", "Extranet")]
    if user.has(Role.FINANCE):
        links += [
            ("/finances/paiements", "Règlements"),
            ("/finances/releves", "Relevés bancaires"),
            ("/finances/rapprochement", "Rapprochement"),
            ("/finances/exports", "Exports"),
        ]
    return links


def home_of(user: SignedIn) -> str:
    for role, path, _ in SPACES:
        if user.has(role):
            return path
    return "/"


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    session = session_of(request)
    values: dict[str, Any] = {
        "user": session.user,
        "csrf_token": session.csrf_token,
        "flashes": session.take_flashes(),
        "nav": navigation(session.user),
        "current_path": request.url.path,
    }
    values.update(context or {})
    return templates.TemplateResponse(request, template, values, status_code=status)
