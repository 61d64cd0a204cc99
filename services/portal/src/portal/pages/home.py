"""The front door: to the signed-in person's space, or to sign in."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from portal.rendering import home_of
from portal.web import CurrentSession

router = APIRouter()


@router.get("/")
async def home(session: CurrentSession) -> RedirectResponse:
    if session.user is None:
        return RedirectResponse("/connexion", 303)
    return RedirectResponse(home_of(session.user), 303)
