"""The open badges (M11): awarding them, revoking them, publishing and verifying them.

Awards and revocations take the status list's row lock first, then write: awards one after the
other get distinct random indexes, and the list's ``encodedList`` is rewritten from every
revoked badge in the same transaction as the revocation. A badge's credential is signed when
asked for (Ed25519 signatures are deterministic: the same award and key give the same token).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from uuid import UUID

from membership.badge_keys import BadgeSigner
from membership.governance import badges, events, status_list
from membership.governance.assembly import AssemblyState
from membership.governance.badges import (
    DEFERRED_LAPSE_REASON,
    FINAL_LAPSE_REASONS,
    Award,
    BadgeKind,
    RevocationReason,
    StructureRecipient,
    TrainingAttendance,
)
from membership.governance.settings import GovernanceSettings
from membership.governance.verification import Verification, verify_badge
from membership.records import AwardRecord, MembershipRecord, StatusListRecord
from membership.use_cases.assemblies import assembly_of
from membership.use_cases.common import aggregate, structure_of
from membership.use_cases.electorate import member_on
from membership.use_cases.ports import MembershipUoW
from shared.contracts import AttendanceRecorded
from shared.errors import Conflict, NotFound

PURPOSE = status_list.STATUS_PURPOSE
#: Who revokes a badge when a membership lapses, or awards one from training's attendance.
MEMBERSHIP, TRAINING = "membership", "training"
#: Unpredictable indexes: the list must tell nothing of the order of the awards.
_RANDOM = random.SystemRandom()


async def award_of(uow: MembershipUoW, award_id: UUID, *, lock: bool = False) -> AwardRecord:
    record = await uow.badges.award(award_id, for_update=lock)
    if record is None:
        raise NotFound("Badge", award_id)
    return record


async def _lock_list(uow: MembershipUoW, size: int | None = None) -> StatusListRecord:
    """The status list, locked; made empty of ``size`` entries first if there is none (before
    the first badge: revoking needs no size, since a badge to revoke means the list exists)."""
    if size is not None:
        await uow.badges.create_status_list(
            PURPOSE, size=size, empty=status_list.encode((), size), at=uow.clock.now()
        )
    listed = await uow.badges.lock_status_list(PURPOSE)
    if listed is None:
        raise RuntimeError("a badge exists without the status list that holds its entry")
    return listed


async def _award(uow: MembershipUoW, award: Award, by: str) -> AwardRecord:
    record = await uow.badges.add_award(award, by=by)
    uow.outbox.add(events.badge_awarded(award), aggregate(record))
    return record


async def award_member_of_the_year(
    uow: MembershipUoW, siren: str, year: int, settings: GovernanceSettings, *, by: str
) -> AwardRecord:
    """M11: to a structure that is a member today, for this year or the last; one a year."""
    listed = await _lock_list(uow, settings.badge_status_list_size)
    structure = await structure_of(uow, siren)
    existing = await uow.badges.awards_for(BadgeKind.MEMBER_OF_THE_YEAR, str(year))
    award = badges.award_member_of_the_year(
        id=uuid.uuid4(),
        recipient=StructureRecipient(siren, structure.legal_name),
        year=year,
        member=await member_on(uow, siren, uow.clock.today()),
        existing=[r.award for r in existing],
        at=uow.clock.now(),
        status_index=status_list.allocate_index(
            await uow.badges.taken_indexes(), listed.size, _RANDOM
        ),
    )
    return await _award(uow, award, by)


async def award_assembly_badges(
    uow: MembershipUoW, assembly_id: UUID, settings: GovernanceSettings, *, by: str
) -> list[AwardRecord]:
    """M11: every structure present or represented at the closed assembly that has no badge
    for it yet (running it again awards nothing twice)."""
    listed = await _lock_list(uow, settings.badge_status_list_size)
    assembly = (await assembly_of(uow, assembly_id)).assembly
    if assembly.state is not AssemblyState.CLOSED:
        raise Conflict(
            f"The assembly of {assembly.held_on} is {assembly.state}: its badges are awarded "
            "once it is closed.",
            rule="M11",
        )
    existing = [
        r.award
        for r in await uow.badges.awards_for(BadgeKind.ASSEMBLY_PARTICIPATION, str(assembly_id))
    ]
    taken = await uow.badges.taken_indexes()
    awarded = []
    for participant in badges.assembly_badges_due(assembly, existing):
        index = status_list.allocate_index(taken, listed.size, _RANDOM)
        taken.add(index)
        award = badges.award_assembly_participation(
            id=uuid.uuid4(),
            assembly=assembly,
            siren=participant.siren,
            existing=existing,
            at=uow.clock.now(),
            status_index=index,
        )
        awarded.append(await _award(uow, award, by))
    return awarded


async def on_attendance_recorded(
    uow: MembershipUoW, event: AttendanceRecorded, status_list_size: int
) -> None:
    """Training recorded an employee present at a training or self-training session: their
    badge, once per enrollment. A correction to absent revokes the badge it had earned."""
    attendance = TrainingAttendance(
        enrollment_id=event.enrollment_id,
        action_type=event.action_type,
        siren=event.siren,
        participant_email=event.participant_email,
        session_starts_on=event.session_starts_on,
        attendance=event.attendance,
    )
    context = str(event.enrollment_id)
    if not badges.training_badge_due(attendance):
        standing = [
            r
            for r in await uow.badges.awards_for(BadgeKind.TRAINING_COMPLETED, context)
            if not r.award.revoked
        ]
        await _revoke(
            uow,
            standing,
            RevocationReason.WITHDRAWN,
            note=f"Training recorded the attendance as {event.attendance}.",
            by=TRAINING,
        )
        return
    listed = await _lock_list(uow, status_list_size)
    existing = [r.award for r in await uow.badges.awards_for(BadgeKind.TRAINING_COMPLETED, context)]
    if any(not a.revoked for a in existing):
        return  # awarded already: the same fact delivered again
    award = badges.award_training_completed(
        id=uuid.uuid4(),
        attendance=attendance,
        existing=existing,
        at=uow.clock.now(),
        status_index=status_list.allocate_index(
            await uow.badges.taken_indexes(), listed.size, _RANDOM
        ),
    )
    await _award(uow, award, TRAINING)


# -- revocation --------------------------------------------------------------------------------


async def withdraw(uow: MembershipUoW, award_id: UUID, note: str, *, by: str) -> AwardRecord:
    """The agency withdraws the badge (``BadgeRevoked``, reason ``withdrawn``)."""
    record = await award_of(uow, award_id, lock=True)
    [revoked] = await _revoke(uow, [record], RevocationReason.WITHDRAWN, note=note, by=by)
    return revoked


async def revoke_on_lapse(uow: MembershipUoW, membership: MembershipRecord) -> list[AwardRecord]:
    """The structure's badges of what it did before its membership lapsed, if the lapse is
    final (see :func:`membership.governance.badges.lapse_is_final`); a lapse on 1 January for
    want of a renewal waits for the end of the grace (:func:`revoke_after_final_lapses`)."""
    reason, lapsed_on = membership.lapse_reason, membership.lapsed_on
    if reason is None or lapsed_on is None:
        return []
    if not badges.lapse_is_final(reason, membership.year, uow.clock.today()):
        return []
    awards = await uow.badges.structure_awards_before(membership.siren, lapsed_on)
    return await _revoke(
        uow,
        awards,
        RevocationReason.MEMBERSHIP_LAPSED,
        note=f"The {membership.year} membership lapsed on {lapsed_on} ({reason}).",
        by=MEMBERSHIP,
    )


async def revoke_after_final_lapses(uow: MembershipUoW, on: date) -> list[AwardRecord]:
    """The scheduler's run: badges whose structure's lapse has become final by ``on`` (a
    lapse for want of a renewal, once 15 February has passed without one). Idempotent."""
    found = await uow.badges.awards_of_final_lapses(
        final_reasons=FINAL_LAPSE_REASONS,
        deferred_reason=DEFERRED_LAPSE_REASON,
        deferred_up_to_year=badges.last_final_not_renewed_year(on),
    )
    revoked: list[AwardRecord] = []
    for lapsed_on, group in _by_lapse(found):
        revoked += await _revoke(
            uow,
            group,
            RevocationReason.MEMBERSHIP_LAPSED,
            note=f"The membership lapsed on {lapsed_on} and was not renewed.",
            by=MEMBERSHIP,
        )
    return revoked


def _by_lapse(found: Iterable[tuple[AwardRecord, date]]) -> list[tuple[date, list[AwardRecord]]]:
    groups: dict[date, list[AwardRecord]] = {}
    for record, lapsed_on in found:
        groups.setdefault(lapsed_on, []).append(record)
    return sorted(groups.items())


async def _revoke(
    uow: MembershipUoW,
    records: Sequence[AwardRecord],
    reason: RevocationReason,
    *,
    note: str | None,
    by: str,
) -> list[AwardRecord]:
    """Revoke ``records`` (read locked), set their bits in the status list, publish
    ``BadgeRevoked`` for each."""
    if not records:
        return []
    now = uow.clock.now()
    saved = []
    for record in records:
        revoked = badges.revoke(record.award, reason, now)
        stored = await uow.badges.save_revocation(record, revoked, note=note, by=by)
        uow.outbox.add(events.badge_revoked(stored.award), aggregate(stored))
        saved.append(stored)
    listed = await _lock_list(uow)
    encoded = status_list.encode(await uow.badges.revoked_indexes(), listed.size)
    await uow.badges.save_status_list(listed, encoded, now)
    return saved


# -- publication and verification ----------------------------------------------------------------


async def signed_status_list(
    uow: MembershipUoW, signer: BadgeSigner, settings: GovernanceSettings
) -> str:
    """The revocation list as the issuer publishes it, signed now (its ``validFrom``)."""
    listed = await uow.badges.status_list(PURPOSE)
    encoded = (
        listed.encoded_list
        if listed is not None
        else status_list.encode((), settings.badge_status_list_size)
    )
    return signer.status_list(encoded, uow.clock.now())


async def verify(
    uow: MembershipUoW, token: str, signer: BadgeSigner, settings: GovernanceSettings
) -> Verification:
    """A badge checked as any verifier would: signature, issuer, dates, and its status in the
    revocation list the issuer publishes now."""
    return verify_badge(
        token,
        issuer_profile=signer.profile(),
        status_list_token=await signed_status_list(uow, signer, settings),
        at=uow.clock.now(),
    )
