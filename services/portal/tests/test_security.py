"""Sessions, CSRF and signing in: the browser holds an opaque, secure, HTTP-only, SameSite=Lax
cookie; every form needs its CSRF token; the development sign-in never runs in production."""

from __future__ import annotations

import re

import httpx
import pytest
from conftest import Browser, Fakes, text
from portal_samples import application, page

from portal.app import create_app
from portal.settings import PortalSettings
from portal.web import safe_next


async def test_the_session_cookie_is_secure_http_only_lax_and_holds_no_token(
    browser: Browser,
) -> None:
    response = await browser.get("/connexion")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "SameSite=Lax" in cookie
    signed = await browser.sign_in("staff")
    renewed = signed.headers["set-cookie"]
    value = renewed.split(";")[0].split("=", 1)[1]
    assert "." not in value, "an opaque id, not a JWT"
    assert value not in cookie, "signing in gives a new session id (no fixation)"


async def test_a_form_posted_without_its_csrf_token_is_refused(
    browser: Browser, fakes: Fakes
) -> None:
    fakes.membership.on("GET", "/applications", page([application()]))
    await browser.sign_in("board")
    path = f"/conseil/demandes/{application()['id']}/approuver"
    refused = await browser.client.post(path, data={})
    assert refused.status_code == 403
    assert "Formulaire refusé" in text(refused)
    wrong = await browser.client.post(path, data={"csrf_token": "forged"})
    assert wrong.status_code == 403
    assert not [r for r in fakes.membership.requests if r.method == "POST"], "nothing sent"


async def test_an_htmx_request_carries_the_token_in_its_header(
    browser: Browser, fakes: Fakes
) -> None:
    decided = application(status="approved")
    fakes.membership.on(
        "POST", f"/applications/{decided['id']}/approve", httpx.Response(200, json=decided)
    )
    await browser.sign_in("board")
    response = await browser.client.post(
        f"/conseil/demandes/{decided['id']}/approuver",
        headers={"HX-Request": "true", "X-CSRF-Token": browser.csrf},
    )
    assert response.status_code == 200
    assert "Adhésion approuvée pour Mission Locale des Graves" in text(response)
    assert "<html" not in text(response), "a fragment for htmx to swap"


async def test_signing_out_forgets_the_session(browser: Browser, fakes: Fakes) -> None:
    await browser.sign_in("finance")
    response = await browser.post("/deconnexion")
    assert response.status_code == 303
    after = await browser.get("/finances")
    assert after.status_code == 303
    assert after.headers["location"].startswith("/connexion")


async def test_a_page_needs_a_signed_in_person_and_comes_back_after(browser: Browser) -> None:
    response = await browser.get("/finances/paiements?vue=tous")
    assert response.status_code == 303
    assert response.headers["location"] == "/connexion?suivant=%2Ffinances%2Fpaiements%3Fvue%3Dtous"


async def test_a_member_signs_in_only_with_a_siren(browser: Browser) -> None:
    await browser.get("/connexion")
    response = await browser.post("/connexion/developpement", {"role": "member", "siren": "12"})
    assert response.status_code == 422
    assert "SIREN de 9 chiffres" in text(response)


def _production(**changes: object) -> PortalSettings:
    values: dict[str, object] = {
        "platform_environment": "production",
        "oidc_issuer": "https://idp.example.org/realms/capmetiers",
        "oidc_client_id": "portal",
        "oidc_client_secret": "s3cret",
        "oidc_redirect_url": "https://portail.example.org/connexion/retour",
    }
    values.update(changes)
    return PortalSettings(**values)  # type: ignore[arg-type]


async def test_the_development_sign_in_is_refused_in_production() -> None:
    app = create_app(_production())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://portal.test"
    ) as client:
        browser = Browser(client)
        page_ = await browser.get("/connexion")
        assert "Connexion de développement" not in text(page_)
        assert "Se connecter avec mon compte Cap Métiers" in text(page_)
        response = await browser.post("/connexion/developpement", {"role": "staff", "siren": ""})
        assert response.status_code == 403
        assert "n'existe pas sur la plateforme de production" in text(response)


def test_production_needs_the_identity_provider_and_secure_cookies() -> None:
    with pytest.raises(ValueError, match="PORTAL_OIDC"):
        _production(oidc_issuer=None)
    with pytest.raises(ValueError, match="COOKIE_SECURE"):
        _production(cookie_secure=False)


@pytest.mark.parametrize(
    ("asked", "went"),
    [
        ("/finances", "/finances"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        (None, "/"),
    ],
)
def test_after_sign_in_only_a_path_of_the_portal(asked: str | None, went: str) -> None:
    assert safe_next(asked) == went


async def test_pages_forbid_framing_and_scripts_from_elsewhere(browser: Browser) -> None:
    response = await browser.get("/connexion")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["cache-control"] == "no-store"
    assert '<html lang="fr">' in text(response)
    assert 'href="#contenu"' in text(response)
    static = await browser.get("/static/htmx.min.js")
    assert static.status_code == 200
    assert "htmx" in text(static)


async def test_every_form_of_the_portal_is_refused_without_its_csrf_token(
    browser: Browser, fakes: Fakes
) -> None:
    """Each unsafe route, whatever its role: a 403 before anything is asked of a service."""
    paths = create_app(PortalSettings(platform_environment="development")).openapi()["paths"]
    unsafe = [p for p, operations in paths.items() if set(operations) & {"post", "put", "delete"}]
    assert len(unsafe) > 25, unsafe
    values = {"siren": "356000000"}
    for role, siren in (("member", "356000000"), ("board", ""), ("staff", ""), ("finance", "")):
        await browser.sign_in(role, siren)
        for path in unsafe:
            concrete = re.sub(
                r"\{(\w+)\}",
                lambda m: values.get(m.group(1), "1e9a0c8e-1f7e-4a55-8f59-3c5f0f0a1e01"),
                path,
            )
            response = await browser.client.post(concrete, data={"reason": "x"})
            assert response.status_code == 403, concrete
            assert "Formulaire refusé" in text(response), concrete  # not the role's refusal
    called = fakes.membership.requests + fakes.training.requests + fakes.booking.requests
    assert not [r for r in called + fakes.billing.requests if r.method != "GET"]
