"""Who is a member on a day (M11), from membership's own validity and grace (M3, M4).

The roll of a General Assembly, and the member status the extranet and the badges ask for, come
from :func:`membership.domain.validity.status_at` on each structure's memberships: a structure
active or in grace on the day has a vote, one a structure (beneficiaries vote through their
main structure, M7). Member status on a day depends on the memberships of that year and the
year before (grace) only, so those are all that is read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from membership.domain.validity import status_at
from membership.governance.electorate import Electorate, Voter, voter_of
from membership.records import MembershipRecord
from membership.use_cases.ports import MembershipUoW


async def electorate_on(
    uow: MembershipUoW, day: date, sirens: Iterable[str] | None = None
) -> Electorate:
    """The roll of ``day``: every structure with a membership then, or only ``sirens`` (SIRENs
    or SIRETs) — enough to decide an answer, not to count a quorum."""
    wanted = None if sirens is None else sorted({voter_of(s) for s in sirens})
    memberships = await uow.memberships.memberships_in((day.year - 1, day.year), wanted)
    history: dict[str, list[MembershipRecord]] = defaultdict(list)
    for membership in memberships:
        history[membership.siren].append(membership)
    structures = await uow.structures.structures_of(wanted if wanted is not None else history)
    return Electorate.of(
        day,
        [
            Voter(
                s.siren,
                s.legal_name,
                status_at([m.facts() for m in history[s.siren]], day).has_member_status,
                s.email,
            )
            for s in structures
        ],
    )


async def member_on(uow: MembershipUoW, siren: str, day: date) -> bool:
    """Whether ``siren`` is a member, active or in grace, on ``day`` (M3, M4)."""
    return (await electorate_on(uow, day, [siren])).is_eligible(siren)
