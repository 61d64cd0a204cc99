"""Signing in and out: the agency's identity provider (OpenID Connect), and on a development
platform a page that picks a role and mints a local token."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, cast

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from portal.identity import signed_in_from
from portal.oidc import OidcClient, SignInFailed
from portal.rendering import home_of, render
from portal.settings import PortalSettings
from portal.web import CurrentSession, renew_session, safe_next, store_of
from shared.auth import Role, TokenVerifier, mint_token
from shared.auth.tokens import InvalidTokenError

router = APIRouter()
SIREN = re.compile(r"^\d{9}$")
DEV_ROLES = {
    "member": "Adhérent (une structure, par son SIREN)",
    "staff": "Équipe de l'agence",
    "board": "Conseil d'administration",
    "finance": "Service financier",
}


def _settings(request: Request) -> PortalSettings:
    return cast(PortalSettings, request.app.state.settings)


def _oidc(request: Request) -> OidcClient | None:
    return cast(OidcClient | None, request.app.state.oidc)


def _verifier(request: Request) -> TokenVerifier:
    return cast(TokenVerifier, request.app.state.token_verifier)


@router.get("/connexion", response_class=HTMLResponse)
async def sign_in_page(
    request: Request, session: CurrentSession, suivant: str | None = None
) -> Response:
    if session.user is not None:
        return RedirectResponse(safe_next(suivant) if suivant else home_of(session.user), 303)
    settings = _settings(request)
    return render(
        request,
        "auth/sign_in.html",
        {
            "next": safe_next(suivant),
            "oidc": settings.oidc_configured,
            "development": settings.development_sign_in,
            "roles": DEV_ROLES,
        },
    )


@router.get("/connexion/agence")
async def sign_in_at_provider(
    request: Request, session: CurrentSession, suivant: str | None = None
) -> Response:
    oidc = _oidc(request)
    if oidc is None:
        return RedirectResponse("/connexion", 303)
    try:
        url, pending = await oidc.start(safe_next(suivant))
    except SignInFailed:
        session.flash("erreur", "Le service de connexion de l'agence ne répond pas : réessayez.")
        return RedirectResponse("/connexion", 303)
    session.pending = pending
    return RedirectResponse(url, 303)


@router.get("/connexion/retour")
async def provider_callback(
    request: Request,
    session: CurrentSession,
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
) -> Response:
    oidc = _oidc(request)
    pending, session.pending = session.pending, None
    if oidc is None or pending is None or error:
        session.flash("erreur", "La connexion n'a pas abouti : recommencez.")
        return RedirectResponse("/connexion", 303)
    try:
        tokens = await oidc.finish(pending, code=code, state=state)
        name = tokens.id_claims.get("name") or tokens.id_claims.get("email")
        user = await signed_in_from(_verifier(request), tokens.access_token, name=name)
    except (SignInFailed, InvalidTokenError):
        session.flash(
            "erreur",
            "La connexion n'a pas abouti, ou votre compte n'a pas encore de rôle sur le "
            "portail : contactez l'agence.",
        )
        return RedirectResponse("/connexion", 303)
    renewed = renew_session(request)
    renewed.user = user
    return RedirectResponse(pending.next_path if pending.next_path != "/" else home_of(user), 303)


@router.post("/connexion/developpement")
async def development_sign_in(
    request: Request,
    role: Annotated[str, Form()],
    name: Annotated[str, Form(max_length=100)] = "",
    siren: Annotated[str, Form(max_length=20)] = "",
    suivant: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Development only: sign in as any role with a local token (``shared.auth.mint_token``)."""
    settings = _settings(request)
    if not settings.development_sign_in:
        return render(request, "errors/forbidden.html", {"production": True}, status=403)
    siren = siren.replace(" ", "")
    errors: dict[str, str] = {}
    if role not in DEV_ROLES:
        errors["role"] = "Choisissez un rôle."
    if role == "member" and not SIREN.match(siren):
        errors["siren"] = "Un adhérent se connecte pour une structure : SIREN de 9 chiffres."
    if errors:
        return render(
            request,
            "auth/sign_in.html",
            {
                "next": safe_next(suivant),
                "oidc": settings.oidc_configured,
                "development": True,
                "roles": DEV_ROLES,
                "errors": errors,
                "values": {"role": role, "name": name, "siren": siren},
            },
            status=422,
        )
    chosen = Role(role)
    display = name.strip() or DEV_ROLES[role].split(" (")[0]
    token = mint_token(
        settings.auth,
        subject=f"dev-{role}-{siren}" if chosen is Role.MEMBER else f"dev-{role}",
        roles=[chosen],
        siren=siren if chosen is Role.MEMBER else None,
        ttl=timedelta(hours=settings.session_lifetime_hours),
    )
    user = await signed_in_from(_verifier(request), token, name=display)
    renewed = renew_session(request)
    renewed.user = user
    target = safe_next(suivant)
    return RedirectResponse(target if target != "/" else home_of(user), 303)


@router.post("/deconnexion")
async def sign_out(request: Request, session: CurrentSession) -> Response:
    store_of(request).drop(session.id)
    renewed = renew_session(request)
    renewed.flash("info", "Vous êtes déconnecté.")
    return RedirectResponse("/connexion", 303)
