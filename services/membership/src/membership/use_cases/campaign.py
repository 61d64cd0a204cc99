"""The renewal campaign (M8): one call for dues per main structure of the year's members."""

from __future__ import annotations

from dataclasses import dataclass

from membership.domain.campaign import calls_to_make, check_campaign_year
from membership.records import CampaignRecord, DuesCallRecord
from membership.use_cases.common import tariff_of
from membership.use_cases.ports import MembershipUoW


@dataclass(frozen=True)
class CampaignResult:
    year: int
    created: int
    total: int


async def run_campaign(uow: MembershipUoW, year: int, started_by: str) -> CampaignResult:
    """M8: one call for dues per main structure of year-1's members; re-running adds only the
    members paid since."""
    now = uow.clock.now()
    check_campaign_year(year, uow.clock.today())
    tariff = await tariff_of(uow, year)
    await uow.dues.start_campaign(CampaignRecord(year=year, started_at=now, started_by=started_by))
    await uow.dues.lock_campaign(year)
    members = {m.siren: m for m in await uow.memberships.paid_members_of(year - 1)}
    already = await uow.dues.called_sirens(year)
    to_call = calls_to_make(members, already)
    await uow.dues.add_calls(
        [
            DuesCallRecord(
                year=year,
                siren=siren,
                siret=members[siren].head_office_siret,
                legal_name=members[siren].legal_name,
                email=members[siren].email,
                plan=members[siren].plan,
                amount=tariff.dues(members[siren].plan),
                called_at=now,
            )
            for siren in to_call
        ]
    )
    return CampaignResult(year, len(to_call), len(already) + len(to_call))
