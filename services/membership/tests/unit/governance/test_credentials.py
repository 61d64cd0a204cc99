"""M11: badges are Open Badges 3.0 credentials, signed (VC-JWT, EdDSA), verifiable, revocable."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key
from jsonschema import Draft202012Validator
from pydantic import SecretStr

from membership.governance.badges import (
    Award,
    BadgeKind,
    PersonRecipient,
    RevocationReason,
    StructureRecipient,
    revoke,
    revoked_indexes,
    revoked_on_lapse,
)
from membership.governance.credentials import (
    Issuer,
    credential_for,
    issuer_profile,
    load_signing_key,
    public_jwk,
    sign,
    sign_badge,
    sign_status_list,
    signing_key_pem,
)
from membership.governance.settings import GovernanceSettings
from membership.governance.status_list import encode
from membership.governance.verification import verify_badge

SCHEMAS = Path(__file__).parent / "schemas"
SIREN = "123456782"
AWARDED = datetime(2026, 6, 20, 10, 30, tzinfo=UTC)
LATER = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors_of(name: str, document: dict[str, Any]) -> list[str]:
    return [f"{list(e.path)}: {e.message}" for e in validator(name).iter_errors(document)]


AWARDS = {
    BadgeKind.MEMBER_OF_THE_YEAR: Award(
        UUID("5b6d2c1e-0c1a-4a52-9a53-0c0f7a1c9e11"),
        BadgeKind.MEMBER_OF_THE_YEAR,
        StructureRecipient(SIREN, "Mission locale des Landes"),
        "2026",
        AWARDED,
        4242,
    ),
    BadgeKind.ASSEMBLY_PARTICIPATION: Award(
        UUID("0f8a4b8e-7d7e-4f3b-9d55-3f3b8c9e2a10"),
        BadgeKind.ASSEMBLY_PARTICIPATION,
        StructureRecipient(SIREN, "Mission locale des Landes"),
        "00000000-0000-4000-8000-00000000a601",
        AWARDED,
        17,
        activity_on=date(2026, 6, 12),
        participation="represented",
    ),
    BadgeKind.TRAINING_COMPLETED: Award(
        UUID("9c1f0e4a-2b3c-4d5e-8f70-112233445566"),
        BadgeKind.TRAINING_COMPLETED,
        PersonRecipient("camille.durand@example.org", SIREN),
        "00000000-0000-0000-0000-000000000001",
        AWARDED,
        131071,
        activity_on=date(2026, 3, 9),
    ),
}


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def issuer(settings: GovernanceSettings) -> Issuer:
    return Issuer.from_settings(settings)


@pytest.fixture
def profile(issuer: Issuer, key: Ed25519PrivateKey) -> dict[str, Any]:
    return issuer_profile(issuer, key.public_key())


def status_list(
    issuer: Issuer, key: Ed25519PrivateKey, awards: list[Award], settings: GovernanceSettings
) -> str:
    encoded = encode(revoked_indexes(awards), settings.badge_status_list_size)
    return sign_status_list(issuer, key, encoded, valid_from=AWARDED + timedelta(hours=1))


def payload_of(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


# --- the data model ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(BadgeKind), ids=str)
def test_m11_each_badge_is_an_open_badges_3_credential(
    kind: BadgeKind, issuer: Issuer, key: Ed25519PrivateKey
) -> None:
    credential = credential_for(AWARDS[kind], issuer)
    assert errors_of("open_badge_credential", credential) == []
    assert (
        errors_of("open_badge_credential", payload_of(sign_badge(AWARDS[kind], issuer, key))) == []
    )
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["type"] == ["Profile"]
    assert credential["validFrom"] == "2026-06-20T10:30:00Z"
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["achievement"]["type"] == ["Achievement"]
    assert set(subject["achievement"]) >= {"id", "type", "name", "description", "criteria"}
    assert credential["credentialStatus"]["statusListIndex"] == str(AWARDS[kind].status_index)


def test_m11_the_schema_refuses_what_the_specification_refuses(issuer: Issuer) -> None:
    credential = credential_for(AWARDS[BadgeKind.MEMBER_OF_THE_YEAR], issuer)
    broken = {**credential, "type": ["VerifiableCredential"]}
    assert errors_of("open_badge_credential", broken)
    no_criteria = json.loads(json.dumps(credential))
    del no_criteria["credentialSubject"]["achievement"]["criteria"]
    assert errors_of("open_badge_credential", no_criteria)
    old_context = {**credential, "@context": ["https://www.w3.org/2018/credentials/v1"]}
    assert errors_of("open_badge_credential", old_context)
    no_valid_from = {k: v for k, v in credential.items() if k != "validFrom"}
    assert errors_of("open_badge_credential", no_valid_from)


def test_m11_an_employee_is_named_by_a_salted_hash_of_their_email(
    issuer: Issuer, key: Ed25519PrivateKey
) -> None:
    award = AWARDS[BadgeKind.TRAINING_COMPLETED]
    token = sign_badge(award, issuer, key)
    assert "camille" not in json.dumps(payload_of(token))
    identity = payload_of(token)["credentialSubject"]["identifier"][0]
    expected = hashlib.sha256(("camille.durand@example.org" + award.id.hex).encode()).hexdigest()
    assert identity == {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": f"sha256${expected}",
        "identityType": "emailAddress",
        "salt": award.id.hex,
    }


def test_m11_the_jwt_carries_the_vc_jwt_header_and_claims(
    issuer: Issuer, key: Ed25519PrivateKey
) -> None:
    award = AWARDS[BadgeKind.ASSEMBLY_PARTICIPATION]
    token = sign_badge(award, issuer, key)
    assert jwt.get_unverified_header(token) == {
        "alg": "EdDSA",
        "kid": "https://www.cap-metiers.pro/badges/issuer#key-1",
        "typ": "JWT",
    }
    payload = payload_of(token)
    assert payload["iss"] == payload["issuer"]["id"] == issuer.id
    assert payload["jti"] == payload["id"] == f"urn:uuid:{award.id}"
    assert payload["sub"] == payload["credentialSubject"]["id"]
    assert payload["sub"] == f"https://www.cap-metiers.pro/badges/structures/{SIREN}"
    assert payload["nbf"] == int(AWARDED.timestamp())
    assert "exp" not in payload
    assert sign_badge(award, issuer, key) == token  # Ed25519 signs deterministically


def test_m11_the_issuer_profile_publishes_the_public_key_as_a_jwk(
    profile: dict[str, Any], issuer: Issuer, key: Ed25519PrivateKey
) -> None:
    assert errors_of("issuer_profile", profile) == []
    method = profile["verificationMethod"][0]
    assert method["id"] == issuer.kid
    assert "d" not in method["publicKeyJwk"]
    published = jwt.PyJWK(method["publicKeyJwk"])
    token = sign_badge(AWARDS[BadgeKind.MEMBER_OF_THE_YEAR], issuer, key)
    decoded = jwt.decode(token, published, algorithms=["EdDSA"], options={"verify_nbf": False})
    assert decoded["jti"] == f"urn:uuid:{AWARDS[BadgeKind.MEMBER_OF_THE_YEAR].id}"
    assert public_jwk(key.public_key(), "k")["x"] == method["publicKeyJwk"]["x"]


def test_m11_the_status_list_is_a_bitstring_status_list_credential(
    issuer: Issuer, key: Ed25519PrivateKey, settings: GovernanceSettings
) -> None:
    token = status_list(issuer, key, [], settings)
    payload = payload_of(token)
    assert errors_of("bitstring_status_list_credential", payload) == []
    assert payload["id"] == "https://www.cap-metiers.pro/badges/status/revocation"
    assert jwt.get_unverified_header(token)["kid"] == issuer.kid


# --- verification ------------------------------------------------------------------------


def test_m11_a_badge_verifies(
    issuer: Issuer, key: Ed25519PrivateKey, profile: dict[str, Any], settings: GovernanceSettings
) -> None:
    for award in AWARDS.values():
        result = verify_badge(
            sign_badge(award, issuer, key),
            issuer_profile=profile,
            status_list_token=status_list(issuer, key, list(AWARDS.values()), settings),
            at=LATER,
        )
        assert result.status == "valid", result.problems
        assert result.verified


def test_m11_a_withdrawn_badge_shows_revoked(
    issuer: Issuer, key: Ed25519PrivateKey, profile: dict[str, Any], settings: GovernanceSettings
) -> None:
    award = AWARDS[BadgeKind.MEMBER_OF_THE_YEAR]
    token = sign_badge(award, issuer, key)
    withdrawn = revoke(award, RevocationReason.WITHDRAWN, LATER)
    others = [AWARDS[BadgeKind.ASSEMBLY_PARTICIPATION], AWARDS[BadgeKind.TRAINING_COMPLETED]]
    statuses = status_list(issuer, key, [withdrawn, *others], settings)
    result = verify_badge(token, issuer_profile=profile, status_list_token=statuses, at=LATER)
    assert result.status == "revoked"
    assert not result.verified
    still = verify_badge(
        sign_badge(others[0], issuer, key),
        issuer_profile=profile,
        status_list_token=statuses,
        at=LATER,
    )
    assert still.status == "valid"


def test_m11_a_lapsed_members_badge_shows_revoked(
    issuer: Issuer, key: Ed25519PrivateKey, profile: dict[str, Any], settings: GovernanceSettings
) -> None:
    awards = list(AWARDS.values())
    revoked = revoked_on_lapse(awards, SIREN, LATER)
    statuses = status_list(issuer, key, revoked, settings)
    results = {
        a.kind: verify_badge(
            sign_badge(a, issuer, key), issuer_profile=profile, status_list_token=statuses, at=LATER
        ).status
        for a in awards
    }
    assert results == {
        BadgeKind.MEMBER_OF_THE_YEAR: "revoked",
        BadgeKind.ASSEMBLY_PARTICIPATION: "revoked",
        BadgeKind.TRAINING_COMPLETED: "valid",
    }


def test_m11_a_tampered_badge_fails(
    issuer: Issuer, key: Ed25519PrivateKey, profile: dict[str, Any], settings: GovernanceSettings
) -> None:
    header, _, signature = sign_badge(AWARDS[BadgeKind.MEMBER_OF_THE_YEAR], issuer, key).split(".")
    payload = payload_of(".".join([header, _, signature]))
    payload["credentialSubject"]["achievement"]["name"] = "Adhérent de la décennie"
    forged_part = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    forged = f"{header}.{forged_part}.{signature}"
    result = verify_badge(
        forged,
        issuer_profile=profile,
        status_list_token=status_list(issuer, key, [], settings),
        at=LATER,
    )
    assert result.status == "invalid"
    assert result.problems == ("the signature does not verify with the issuer's key",)


def test_m11_a_badge_signed_by_another_key_fails(
    issuer: Issuer, key: Ed25519PrivateKey, profile: dict[str, Any], settings: GovernanceSettings
) -> None:
    impostor = Ed25519PrivateKey.generate()
    token = sign_badge(AWARDS[BadgeKind.ASSEMBLY_PARTICIPATION], issuer, impostor)
    result = verify_badge(
        token,
        issuer_profile=profile,
        status_list_token=status_list(issuer, key, [], settings),
        at=LATER,
    )
    assert result.status == "invalid"
    assert "signature does not verify" in result.problems[0]
    # nor does a genuine badge checked against a status list another key signed
    forged_list = status_list(issuer, impostor, [], settings)
    genuine = sign_badge(AWARDS[BadgeKind.ASSEMBLY_PARTICIPATION], issuer, key)
    result = verify_badge(genuine, issuer_profile=profile, status_list_token=forged_list, at=LATER)
    assert result.status == "invalid"
    assert result.problems[0].startswith("status list:")


def test_m11_a_badge_of_another_issuer_or_before_its_date_fails(
    issuer: Issuer, key: Ed25519PrivateKey, profile: dict[str, Any], settings: GovernanceSettings
) -> None:
    statuses = status_list(issuer, key, [], settings)
    elsewhere = replace(
        issuer, id="https://badges.example/issuer", kid="https://badges.example/issuer#key-1"
    )
    foreign = sign_badge(AWARDS[BadgeKind.MEMBER_OF_THE_YEAR], elsewhere, key)
    result = verify_badge(foreign, issuer_profile=profile, status_list_token=statuses, at=LATER)
    assert result.status == "invalid"
    assert "is not one of the issuer" in result.problems[0]
    token = sign_badge(AWARDS[BadgeKind.MEMBER_OF_THE_YEAR], issuer, key)
    early = verify_badge(
        token, issuer_profile=profile, status_list_token=statuses, at=AWARDED - timedelta(seconds=1)
    )
    assert early.status == "invalid"
    assert any("not valid before" in p for p in early.problems)
    on_time = verify_badge(
        token, issuer_profile=profile, status_list_token=statuses, at=AWARDED + timedelta(hours=1)
    )
    assert on_time.status == "valid"


def test_m11_a_badge_whose_claims_contradict_its_credential_fails(
    issuer: Issuer, key: Ed25519PrivateKey, profile: dict[str, Any], settings: GovernanceSettings
) -> None:
    credential = credential_for(AWARDS[BadgeKind.MEMBER_OF_THE_YEAR], issuer)
    token = sign(credential, key, issuer.kid)
    payload = payload_of(token)
    lying = jwt.encode(
        {**payload, "sub": "https://elsewhere.example/me"},
        key,
        algorithm="EdDSA",
        headers={"kid": issuer.kid},
    )
    statuses = status_list(issuer, key, [], settings)
    result = verify_badge(lying, issuer_profile=profile, status_list_token=statuses, at=LATER)
    assert result.problems == ("sub is not the credential subject's id",)
    extra_header = jwt.encode(
        payload, key, algorithm="EdDSA", headers={"kid": issuer.kid, "x5u": "https://x.example"}
    )
    result = verify_badge(
        extra_header, issuer_profile=profile, status_list_token=statuses, at=LATER
    )
    assert result.problems == ("JOSE headers not allowed: x5u",)
    assert (
        verify_badge(
            "not-a-jwt", issuer_profile=profile, status_list_token=statuses, at=LATER
        ).status
        == "invalid"
    )


# --- the key -----------------------------------------------------------------------------


def test_m11_the_signing_key_comes_from_the_settings(key: Ed25519PrivateKey) -> None:
    settings = GovernanceSettings(badge_signing_key=SecretStr(signing_key_pem(key)))
    loaded = load_signing_key(settings)
    assert public_jwk(loaded.public_key(), "k") == public_jwk(key.public_key(), "k")
    with pytest.raises(ValueError, match="not set"):
        load_signing_key(GovernanceSettings())
    rsa = generate_private_key(public_exponent=65537, key_size=2048)
    pem = rsa.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    with pytest.raises(ValueError, match="Ed25519"):
        load_signing_key(GovernanceSettings(badge_signing_key=SecretStr(pem)))
