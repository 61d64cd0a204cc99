"""Verifying an open badge (M11) as any verifier would, from what the issuer publishes.

Pure: given the token, the issuer profile (its public keys), the signed status list and the
moment, it says ``valid``, ``revoked`` or ``invalid`` with the problems found. Following OB 3.0's
VC-JWT verification: the JOSE header (EdDSA, a ``kid`` of the issuer's profile, no other
header), the signature, then the claims against the credential (``iss`` = issuer id = the
profile's, ``jti`` = id, ``sub`` = subject id, ``nbf`` = ``validFrom``, not before it, not after
``validUntil``), the credential's contexts and types, and its status in the Bitstring Status
List, itself a credential signed by the same issuer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from jwt.algorithms import OKPAlgorithm

from membership.governance.credentials import ALGORITHM, CREDENTIAL_TYPES, OB_CONTEXT
from membership.governance.status_list import (
    STATUS_PURPOSE,
    VC_CONTEXT,
    StatusListError,
    decode,
    is_set,
    parse_utc_timestamp,
)

_HEADERS = frozenset({"alg", "kid", "typ", "jwk"})
_REQUIRED_CLAIMS = ["iss", "jti", "nbf", "sub"]


@dataclass(frozen=True)
class Verification:
    status: Literal["valid", "revoked", "invalid"]
    problems: tuple[str, ...] = ()
    credential: Mapping[str, Any] | None = field(default=None, compare=False)

    @property
    def verified(self) -> bool:
        return self.status == "valid"


def _types(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def _object(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _key_of(profile: Mapping[str, Any], kid: str) -> Ed25519PublicKey | None:
    for method in profile.get("verificationMethod", []):
        if isinstance(method, dict) and method.get("id") == kid:
            jwk = method.get("publicKeyJwk")
            if not isinstance(jwk, dict) or "d" in jwk:
                return None
            try:
                key = OKPAlgorithm.from_jwk(jwk)
            except jwt.InvalidKeyError:
                return None
            return key if isinstance(key, Ed25519PublicKey) else None
    return None


def _signed_payload(
    token: str, profile: Mapping[str, Any]
) -> tuple[dict[str, Any] | None, list[str]]:
    """The payload once header and signature check out, else the problems."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError:
        return None, ["not a compact JWS"]
    problems = []
    if extra := sorted(set(header) - _HEADERS):
        problems.append(f"JOSE headers not allowed: {', '.join(extra)}")
    if header.get("alg") != ALGORITHM:
        problems.append(f"algorithm {header.get('alg')!r}, expected {ALGORITHM}")
    if header.get("typ", "JWT") != "JWT":
        problems.append(f"typ {header.get('typ')!r}, expected JWT")
    kid = header.get("kid")
    issuer_id = profile.get("id")
    if not isinstance(kid, str) or not kid.startswith(f"{issuer_id}#"):
        problems.append(f"key {kid!r} is not one of the issuer {issuer_id}'s")
        return None, problems
    key = _key_of(profile, kid)
    if key is None:
        problems.append(f"the issuer profile publishes no Ed25519 key {kid}")
        return None, problems
    if problems:
        return None, problems
    try:
        payload: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_aud": False,
                "verify_iss": False,
                "require": _REQUIRED_CLAIMS,
            },
        )
    except jwt.InvalidSignatureError:
        return None, ["the signature does not verify with the issuer's key"]
    except jwt.InvalidTokenError as error:
        return None, [f"not a valid JWT: {error}"]
    return payload, []


def _claim_problems(payload: Mapping[str, Any], issuer_id: str, at: datetime) -> list[str]:
    problems = []
    issuer = payload.get("issuer")
    credential_issuer = issuer if isinstance(issuer, str) else _object(issuer).get("id")
    if not payload["iss"] == credential_issuer == issuer_id:
        problems.append(f"issuer {credential_issuer!r} (iss {payload['iss']!r}) is not {issuer_id}")
    if payload["jti"] != payload.get("id"):
        problems.append("jti is not the credential id")
    if payload["sub"] != _object(payload.get("credentialSubject")).get("id"):
        problems.append("sub is not the credential subject's id")
    try:
        valid_from = parse_utc_timestamp(str(payload.get("validFrom")))
    except ValueError:
        return [*problems, "validFrom is not a date-time"]
    if payload["nbf"] != int(valid_from.timestamp()):
        problems.append("nbf is not validFrom")
    if at < valid_from:
        problems.append(f"not valid before {payload['validFrom']}")
    if "validUntil" in payload or "exp" in payload:
        try:
            valid_until = parse_utc_timestamp(str(payload.get("validUntil")))
        except ValueError:
            return [*problems, "validUntil is not a date-time"]
        if payload.get("exp") != int(valid_until.timestamp()):
            problems.append("exp is not validUntil")
        if at >= valid_until:
            problems.append(f"expired on {payload['validUntil']}")
    return problems


def _badge_problems(payload: Mapping[str, Any]) -> list[str]:
    problems = []
    contexts = payload.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != VC_CONTEXT:
        problems.append(f"the first @context is not {VC_CONTEXT}")
    elif OB_CONTEXT not in contexts:
        problems.append(f"@context lacks {OB_CONTEXT}")
    if not set(CREDENTIAL_TYPES) <= _types(payload.get("type")):
        problems.append(f"type is not {' + '.join(CREDENTIAL_TYPES)}")
    subject = _object(payload.get("credentialSubject"))
    if "AchievementSubject" not in _types(subject.get("type")):
        problems.append("the subject is not an AchievementSubject")
    if "Achievement" not in _types(_object(subject.get("achievement")).get("type")):
        problems.append("the subject holds no Achievement")
    return problems


def _revoked(
    entry: Any, status_list_token: str, profile: Mapping[str, Any], at: datetime
) -> tuple[bool, list[str]]:
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return False, ["credentialStatus is not a BitstringStatusListEntry"]
    if entry.get("statusPurpose") != STATUS_PURPOSE:
        return False, [f"statusPurpose {entry.get('statusPurpose')!r} is not {STATUS_PURPOSE}"]
    listed, problems = _signed_payload(status_list_token, profile)
    if listed is None:
        return False, [f"status list: {p}" for p in problems]
    problems = [f"status list: {p}" for p in _claim_problems(listed, str(profile["id"]), at)]
    if "BitstringStatusListCredential" not in _types(listed.get("type")):
        problems.append("status list: not a BitstringStatusListCredential")
    if listed.get("id") != entry.get("statusListCredential"):
        problems.append(
            f"status list {listed.get('id')} is not {entry.get('statusListCredential')}"
        )
    subject = _object(listed.get("credentialSubject"))
    if subject.get("statusPurpose") != STATUS_PURPOSE:
        problems.append(f"status list: its purpose is not {STATUS_PURPOSE}")
    index = str(entry.get("statusListIndex", ""))
    if not index.isdigit():
        problems.append(f"statusListIndex {index!r} is not a number")
    if problems:
        return False, problems
    try:
        return is_set(decode(str(subject.get("encodedList", ""))), int(index)), []
    except StatusListError as error:
        return False, [f"status list: {error}"]


def verify_badge(
    token: str, *, issuer_profile: Mapping[str, Any], status_list_token: str, at: datetime
) -> Verification:
    payload, problems = _signed_payload(token, issuer_profile)
    if payload is None:
        return Verification("invalid", tuple(problems))
    problems = _claim_problems(payload, str(issuer_profile["id"]), at) + _badge_problems(payload)
    if problems:
        return Verification("invalid", tuple(problems), payload)
    revoked, problems = _revoked(
        payload.get("credentialStatus"), status_list_token, issuer_profile, at
    )
    if problems:
        return Verification("invalid", tuple(problems), payload)
    return Verification("revoked" if revoked else "valid", (), payload)
