"""What the agency's statutes fix for M11, read from the environment (``GOVERNANCE_*``).

The defaults are the statutes' values as rules.md gives them; the quorum share is ours
(**decision**): a quarter of the eligible members present or represented, the share most
associations' statutes set for an ordinary General Assembly. A second convocation, held when
the first did not reach it, deliberates whatever the number (see :mod:`.quorum`).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The Bitstring Status List's minimum size (16 KiB of bits), for herd privacy.
MIN_STATUS_LIST_SIZE = 131_072


class GovernanceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVERNANCE_", extra="ignore")

    #: A General Assembly is convened at least this many days before it is held.
    convocation_notice_days: int = Field(default=15, ge=1, le=365)
    #: A member holds at most this many proxies (mandats) of other members.
    max_proxies_held: int = Field(default=2, ge=0, le=50)
    #: Share of the eligible members that must be present or represented: reached when the
    #: count is exactly at the share or above.
    quorum_share: Decimal = Field(default=Decimal("0.25"), gt=0, le=1)

    #: Largest file the extranet accepts, in bytes.
    extranet_max_file_bytes: int = Field(default=20 * 1024 * 1024, ge=1)

    #: The issuer profile of the open badges: its id is the URL where it is published.
    badge_issuer_id: str = "https://www.cap-metiers.pro/badges/issuer"
    badge_issuer_name: str = "Cap Métiers Nouvelle-Aquitaine"
    badge_issuer_url: str = "https://www.cap-metiers.pro"
    badge_issuer_email: str | None = None
    #: Base URL of the achievements, the recipients' pages and the status list.
    badge_base_url: str = "https://www.cap-metiers.pro/badges"
    #: Fragment naming the signing key in the issuer profile (``kid`` = ``<issuer id>#<key id>``).
    badge_key_id: str = "key-1"
    #: The Ed25519 private key that signs the badges, PEM (PKCS#8). Required to issue.
    badge_signing_key: SecretStr | None = None
    #: Number of entries of the revocation status list.
    badge_status_list_size: int = Field(default=MIN_STATUS_LIST_SIZE, ge=MIN_STATUS_LIST_SIZE)

    @property
    def badge_kid(self) -> str:
        return f"{self.badge_issuer_id}#{self.badge_key_id}"

    @property
    def badge_status_list_url(self) -> str:
        return f"{self.badge_base_url}/status/revocation"
