"""Settings of the membership service, from the environment."""

from pydantic import AliasChoices, Field

from membership.governance.settings import GovernanceSettings
from shared.settings import ServiceSettings


class MembershipSettings(ServiceSettings):
    #: ``MEMBERSHIP_DATABASE_URL`` wins over ``DATABASE_URL``, so that one environment runs all four.
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/capmetiers_membership",
        validation_alias=AliasChoices("MEMBERSHIP_DATABASE_URL", "DATABASE_URL"),
    )
    #: M11: the statutes' values and the open badges' issuer and key (``GOVERNANCE_*``).
    governance: GovernanceSettings = Field(default_factory=GovernanceSettings)
