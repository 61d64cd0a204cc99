"""The yearly tariffs (M2, M10): data staff edit, never constants."""

from __future__ import annotations

from membership.domain.plans import Tariff
from membership.records import TariffRecord
from membership.use_cases.ports import MembershipUoW


async def set_tariff(uow: MembershipUoW, tariff: Tariff, updated_by: str) -> TariffRecord:
    """Set a year's dues; amounts already asked of billing keep the tariff they were taken at."""
    return await uow.dues.put_tariff(
        TariffRecord(
            year=tariff.year,
            simple=tariff.simple,
            premium=tariff.premium,
            upgrade=tariff.upgrade,
            updated_at=uow.clock.now(),
            updated_by=updated_by,
        )
    )
