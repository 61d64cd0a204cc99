"""Open Badges 3.0 credentials (M11): an award as a W3C Verifiable Credential, signed as a JWT.

The data model is the OB 3.0 ``OpenBadgeCredential`` (VC Data Model 2.0 contexts, ``validFrom``,
an ``AchievementSubject`` holding the ``Achievement`` with its criteria, a Bitstring Status List
entry for revocation). The proof is OB 3.0's JSON Web Token format (VC-JWT): the JWT payload is
the credential with the claims ``iss`` (issuer id), ``jti`` (credential id), ``nbf``
(``validFrom``) and ``sub`` (subject id); the JOSE header is ``alg`` EdDSA (an Ed25519 key),
``kid`` and ``typ`` JWT, nothing else. ``kid`` is ``<issuer id>#<key id>``: it dereferences to
the public key, a JWK, in the issuer profile published at the issuer id (its
``verificationMethod``, a ``JsonWebKey`` as the Controlled Identifiers vocabulary names it).

Subjects: a structure is ``<base>/structures/<SIREN>`` with its SIREN as an identifier; an
employee is not named in clear: the subject id is the award's URN and the identifier is their
e-mail hashed (SHA-256, salted with the award id), as OB 3.0 recommends for personal data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jwt.algorithms import OKPAlgorithm

from membership.governance.badges import Award, BadgeKind, PersonRecipient
from membership.governance.settings import GovernanceSettings
from membership.governance.status_list import (
    VC_CONTEXT,
    parse_utc_timestamp,
    status_entry,
    status_list_credential,
    utc_timestamp,
)

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
CREDENTIAL_TYPES = ("VerifiableCredential", "OpenBadgeCredential")
ALGORITHM = "EdDSA"


@dataclass(frozen=True)
class Issuer:
    id: str
    name: str
    url: str
    email: str | None
    kid: str
    base_url: str
    status_list_url: str

    @classmethod
    def from_settings(cls, settings: GovernanceSettings) -> Issuer:
        return cls(
            id=settings.badge_issuer_id,
            name=settings.badge_issuer_name,
            url=settings.badge_issuer_url,
            email=settings.badge_issuer_email,
            kid=settings.badge_kid,
            base_url=settings.badge_base_url.rstrip("/"),
            status_list_url=settings.badge_status_list_url,
        )


# --- keys --------------------------------------------------------------------------------


def load_signing_key(settings: GovernanceSettings) -> Ed25519PrivateKey:
    """The issuer's Ed25519 key from ``GOVERNANCE_BADGE_SIGNING_KEY`` (PEM, PKCS#8)."""
    if settings.badge_signing_key is None:
        raise ValueError("GOVERNANCE_BADGE_SIGNING_KEY is not set: badges cannot be signed")
    key = serialization.load_pem_private_key(
        settings.badge_signing_key.get_secret_value().encode("ascii"), password=None
    )
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("GOVERNANCE_BADGE_SIGNING_KEY must be an Ed25519 private key")
    return key


def signing_key_pem(key: Ed25519PrivateKey) -> str:
    """A key as ``GOVERNANCE_BADGE_SIGNING_KEY`` holds it (for the operator who makes one)."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def public_jwk(key: Ed25519PublicKey, kid: str) -> dict[str, Any]:
    """The public key as a JWK (OKP, Ed25519): never the private part ``d``."""
    jwk: dict[str, Any] = OKPAlgorithm.to_jwk(key, as_dict=True)
    jwk.pop("d", None)
    return {**jwk, "kid": kid, "alg": ALGORITHM, "use": "sig"}


def issuer_profile(issuer: Issuer, key: Ed25519PublicKey) -> dict[str, Any]:
    """The OB 3.0 Profile published at the issuer id, with the key that verifies its badges."""
    profile: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": issuer.id,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
    }
    if issuer.email:
        profile["email"] = issuer.email
    profile["verificationMethod"] = [
        {
            "id": issuer.kid,
            "type": "JsonWebKey",
            "controller": issuer.id,
            "publicKeyJwk": public_jwk(key, issuer.kid),
        }
    ]
    return profile


# --- the credential ----------------------------------------------------------------------


@dataclass(frozen=True)
class AchievementText:
    slug: str
    name: str
    description: str
    criteria: str
    achievement_type: str


def _achievement_text(award: Award) -> AchievementText:
    if award.kind is BadgeKind.MEMBER_OF_THE_YEAR:
        return AchievementText(
            slug=f"member-of-the-year/{award.context}",
            name=f"Adhérent de l'année {award.context}",
            description=(
                "Distingue la structure adhérente de Cap Métiers Nouvelle-Aquitaine dont "
                f"l'engagement dans la vie associative de l'agence a marqué l'année {award.context}."
            ),
            criteria=(
                "Être adhérent de Cap Métiers Nouvelle-Aquitaine et avoir été choisi par "
                "l'agence pour son engagement : participation à la vie associative, promotion "
                "et relais de l'offre de services de l'agence."
            ),
            achievement_type="Award",
        )
    if award.kind is BadgeKind.ASSEMBLY_PARTICIPATION:
        day = award.activity_on.strftime("%d/%m/%Y") if award.activity_on else ""
        return AchievementText(
            slug=f"general-assembly/{award.context}",
            name=f"A pris part à l'Assemblée générale du {day}",
            description=(
                "La structure adhérente a pris part à l'Assemblée générale ordinaire de Cap "
                f"Métiers Nouvelle-Aquitaine du {day}, présente ou représentée par mandat."
            ),
            criteria=(
                "Être adhérent le jour de l'assemblée et y avoir émargé, ou y avoir été "
                "représenté par un mandat donné à un autre adhérent présent."
            ),
            achievement_type="Achievement",
        )
    return AchievementText(
        slug="parcourspro-training",
        name="Formation ParcoursPro suivie",
        description=(
            "A suivi une formation du programme ParcoursPro de Cap Métiers Nouvelle-Aquitaine, "
            "destiné aux professionnels de l'orientation, de la formation et de l'emploi."
        ),
        criteria=(
            "Avoir été inscrit à une session de formation ou à un parcours d'autoformation "
            "tutoré ParcoursPro et avoir été présent, selon l'émargement de l'agence."
        ),
        achievement_type="CertificateOfCompletion",
    )


def credential_id(award: Award) -> str:
    return f"urn:uuid:{award.id}"


def _subject(award: Award, issuer: Issuer, achievement: dict[str, Any]) -> dict[str, Any]:
    recipient = award.recipient
    if isinstance(recipient, PersonRecipient):
        salt = award.id.hex
        digest = hashlib.sha256((recipient.email + salt).encode("utf-8")).hexdigest()
        subject: dict[str, Any] = {
            "id": credential_id(award),
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": True,
                    "identityHash": f"sha256${digest}",
                    "identityType": "emailAddress",
                    "salt": salt,
                }
            ],
        }
    else:
        subject = {
            "id": f"{issuer.base_url}/structures/{recipient.siren}",
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": False,
                    "identityHash": recipient.siren,
                    "identityType": "ext:SIREN",
                }
            ],
        }
    if award.activity_on is not None:
        subject["activityStartDate"] = f"{award.activity_on.isoformat()}T00:00:00Z"
    if award.participation is not None:
        subject["narrative"] = (
            "Présente à l'assemblée."
            if award.participation == "present"
            else "Représentée à l'assemblée par un mandat donné à un autre adhérent."
        )
    subject["achievement"] = achievement
    return subject


def credential_for(award: Award, issuer: Issuer) -> dict[str, Any]:
    """The OpenBadgeCredential of an award (unsigned)."""
    text = _achievement_text(award)
    achievement = {
        "id": f"{issuer.base_url}/achievements/{text.slug}",
        "type": ["Achievement"],
        "achievementType": text.achievement_type,
        "name": text.name,
        "description": text.description,
        "criteria": {"narrative": text.criteria},
        "inLanguage": "fr",
    }
    issuer_ref: dict[str, Any] = {
        "id": issuer.id,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
    }
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id(award),
        "type": list(CREDENTIAL_TYPES),
        "issuer": issuer_ref,
        "validFrom": utc_timestamp(award.awarded_at),
        "name": text.name,
        "credentialSubject": _subject(award, issuer, achievement),
        "credentialStatus": status_entry(issuer.status_list_url, award.status_index),
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }


# --- signing -----------------------------------------------------------------------------


def _issuer_id(credential: dict[str, Any]) -> str:
    issuer = credential["issuer"]
    return issuer if isinstance(issuer, str) else str(issuer["id"])


def sign(credential: dict[str, Any], key: Ed25519PrivateKey, kid: str) -> str:
    """The credential as a compact JWS (VC-JWT): the same credential and key, the same token."""
    claims = {
        "iss": _issuer_id(credential),
        "jti": credential["id"],
        "nbf": int(parse_utc_timestamp(credential["validFrom"]).timestamp()),
        "sub": credential["credentialSubject"]["id"],
    }
    return jwt.encode({**credential, **claims}, key, algorithm=ALGORITHM, headers={"kid": kid})


def sign_badge(award: Award, issuer: Issuer, key: Ed25519PrivateKey) -> str:
    return sign(credential_for(award, issuer), key, issuer.kid)


def sign_status_list(
    issuer: Issuer, key: Ed25519PrivateKey, encoded_list: str, *, valid_from: datetime
) -> str:
    """The status list credential, signed like the badges."""
    credential = status_list_credential(
        issuer_id=issuer.id,
        list_url=issuer.status_list_url,
        encoded_list=encoded_list,
        valid_from=valid_from,
    )
    return sign(credential, key, issuer.kid)
