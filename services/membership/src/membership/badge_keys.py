"""The key that signs the open badges (M11): where it comes from, and the operator's command
that makes one.

``GOVERNANCE_BADGE_SIGNING_KEY`` holds an Ed25519 private key (PEM, PKCS#8);
``python -m membership badge-key`` prints a new one. Without it, a development platform makes
an ephemeral key when it starts (with a warning: the badges it signs stop verifying once the
process restarts), and production refuses to start: a badge must keep verifying for as long as
the issuer publishes its key. The key is checked when the service starts, not when the first
badge is asked for.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import SecretStr

from membership.governance.badges import Award
from membership.governance.credentials import (
    Issuer,
    issuer_profile,
    load_signing_key,
    sign_badge,
    sign_status_list,
    signing_key_pem,
)
from membership.governance.settings import GovernanceSettings
from membership.settings import MembershipSettings
from shared.runtime import Command, ServiceRuntime

log = logging.getLogger(__name__)


class MissingBadgeKey(ValueError):
    """Production without ``GOVERNANCE_BADGE_SIGNING_KEY``."""


def with_badge_key(settings: MembershipSettings) -> MembershipSettings:
    """``settings`` with a usable signing key: the configured one once checked; else, in
    development only, an ephemeral one."""
    governance = settings.governance
    if governance.badge_signing_key is not None:
        load_signing_key(governance)  # a key that is no Ed25519 PEM stops the start here
        return settings
    if settings.platform_environment == "production":
        raise MissingBadgeKey(
            "GOVERNANCE_BADGE_SIGNING_KEY is not set: production signs the open badges with a "
            "lasting key. Make one with `python -m membership badge-key` and set it."
        )
    log.warning(
        "GOVERNANCE_BADGE_SIGNING_KEY is not set: the open badges are signed with an ephemeral "
        "key, and stop verifying when this process restarts (development only)"
    )
    pem = SecretStr(signing_key_pem(Ed25519PrivateKey.generate()))
    return settings.model_copy(
        update={"governance": governance.model_copy(update={"badge_signing_key": pem})}
    )


@dataclass(frozen=True)
class BadgeSigner:
    """The issuer and its key: what signs the badges and the status list, and publishes the
    profile that verifies them."""

    issuer: Issuer
    key: Ed25519PrivateKey

    def profile(self) -> dict[str, Any]:
        return issuer_profile(self.issuer, self.key.public_key())

    def badge(self, award: Award) -> str:
        return sign_badge(award, self.issuer, self.key)

    def status_list(self, encoded_list: str, valid_from: datetime) -> str:
        return sign_status_list(self.issuer, self.key, encoded_list, valid_from=valid_from)


#: Keys loaded from their PEM, so that a request does not parse one again.
_KEYS: dict[str, Ed25519PrivateKey] = {}


def badge_signer(settings: GovernanceSettings) -> BadgeSigner:
    """The signer of these settings, its key loaded once."""
    secret = settings.badge_signing_key
    pem = secret.get_secret_value() if secret is not None else ""
    key = _KEYS.get(pem)
    if key is None:
        if len(_KEYS) >= 16:
            _KEYS.clear()
        key = _KEYS[pem] = load_signing_key(settings)
    return BadgeSigner(Issuer.from_settings(settings), key)


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    pass


async def _badge_key(runtime: ServiceRuntime[Any, Any], args: argparse.Namespace) -> int:
    print(signing_key_pem(Ed25519PrivateKey.generate()), end="")
    return 0


#: ``python -m membership badge-key``: a new Ed25519 key, PEM, for
#: ``GOVERNANCE_BADGE_SIGNING_KEY``. Printed, never stored.
BADGE_KEY_COMMAND = Command(
    "badge-key",
    "print a new Ed25519 key (PEM) for GOVERNANCE_BADGE_SIGNING_KEY, the open badges' signer",
    _no_arguments,
    _badge_key,
)
