"""The status and rights of a structure, or of one of its declared establishments, at a date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from membership.domain.identifiers import parse_siren, parse_siret
from membership.domain.plans import check_year
from membership.domain.rights import Rights, rights_for
from membership.domain.validity import StatusAt, status_at
from membership.use_cases.common import structure_of
from membership.use_cases.ports import MembershipUoW
from shared.errors import NotFound


@dataclass(frozen=True)
class RightsView:
    siren: str
    on: date
    status: StatusAt
    rights: Rights
    beneficiary_sirets: list[str] = field(default_factory=list)


async def resolve_siren(uow: MembershipUoW, identifier: str) -> tuple[str, str | None]:
    """A SIREN, or the SIRET of a declared establishment (head office or beneficiary, M7)."""
    compact = identifier.replace(" ", "")
    if len(compact) == 14:
        siret = parse_siret(compact)
        establishment = await uow.structures.establishment(siret)
        if establishment is None or not establishment.declared:
            raise NotFound("Declared establishment", siret)
        return establishment.siren, siret
    return parse_siren(compact), None


async def rights_at(uow: MembershipUoW, siren: str, on: date) -> RightsView:
    """M3, M4: none, pending, active, grace or lapsed on ``on``, and what member status gives."""
    check_year(on.year, "M3")
    structure = await structure_of(uow, siren)
    history = [m.facts() for m in await uow.memberships.memberships_of(siren)]
    status = status_at(
        history, on, pending_review_years=await uow.applications.pending_review_years(siren)
    )
    rights = rights_for(
        status,
        training_organisation=structure.training_organisation,
        qualiopi_valid_until=structure.qualiopi_valid_until,
        on=on,
    )
    return RightsView(
        siren, on, status, rights, beneficiary_sirets=await uow.structures.beneficiary_sirets(siren)
    )
