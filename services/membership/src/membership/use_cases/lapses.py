"""The end of member status (M4): the lapse run of the scheduler, and the lapse itself."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from membership.domain.validity import LapseReason, MembershipState, lapse_due
from membership.records import MembershipRecord
from membership.use_cases import badges
from membership.use_cases.common import aggregate
from membership.use_cases.ports import MembershipUoW
from shared.contracts import MembershipLapsed

log = logging.getLogger(__name__)


async def lapse(
    uow: MembershipUoW, membership: MembershipRecord, lapsed_on: date, reason: LapseReason
) -> MembershipRecord:
    """``membership`` (locked) ends on ``lapsed_on``: training and booking withdraw its future
    rights (``MembershipLapsed``, T9, B9); a final lapse revokes the structure's open badges
    (M11)."""
    lapsed = await uow.memberships.save_membership(
        replace(membership, state=MembershipState.LAPSED, lapsed_on=lapsed_on, lapse_reason=reason)
    )
    uow.outbox.add(
        MembershipLapsed(
            membership_id=lapsed.id,
            siren=lapsed.siren,
            year=lapsed.year,
            lapsed_on=lapsed_on,
            reason=reason,
        ),
        aggregate(lapsed),
    )
    await badges.revoke_on_lapse(uow, lapsed)
    return lapsed


@dataclass(frozen=True)
class LapsedMembership:
    membership_id: UUID
    siren: str
    year: int
    lapsed_on: date
    reason: str


async def run_lapses(uow: MembershipUoW, on: date) -> list[LapsedMembership]:
    """Lapse every membership whose status has ended by ``on`` (M4), and revoke the badges of
    the lapses that have become final by then (M11); idempotent: a lapsed membership is no
    candidate any more, a revoked badge stays revoked, and a candidate another run holds is
    skipped."""
    lapsed: list[LapsedMembership] = []
    for candidate in await uow.memberships.lapse_candidates(on.year):
        # The next year's membership, unpaid, came with the candidate (one query for the run).
        successor = candidate.successor.facts() if candidate.successor is not None else None
        decision = lapse_due(candidate.membership.facts(), successor, on)
        if decision is None:
            continue
        done = await lapse(uow, candidate.membership, decision.lapsed_on, decision.reason)
        lapsed.append(
            LapsedMembership(done.id, done.siren, done.year, decision.lapsed_on, decision.reason)
        )
    revoked = await badges.revoke_after_final_lapses(uow, on)
    if lapsed or revoked:
        log.info(
            "lapse run for %s: %d membership(s) lapsed, %d badge(s) revoked",
            on,
            len(lapsed),
            len(revoked),
        )
    return lapsed
