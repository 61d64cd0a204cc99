"""The Ordinary General Assembly (M11): convening it, the members' answers, the attendance
sheet on the day, the quorum, the opening and the closing with its frozen records.

Every change reads the assembly locked (``SELECT … FOR UPDATE`` on its row), so that the
answers of one assembly are decided one after the other: two proxies given at once to one
holder are counted against the limit one after the other, never both against the same count.
Eligibility is the structure's member status on the assembly's day, as membership decides it
(:mod:`membership.use_cases.electorate`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from uuid import UUID

from membership.domain.plans import check_year
from membership.governance import events
from membership.governance.assembly import Assembly, AssemblyState, Proxy, Venue
from membership.governance.electorate import Representative, voter_of
from membership.governance.exports import freeze
from membership.governance.quorum import Quorum
from membership.governance.settings import GovernanceSettings
from membership.records import AssemblyRecord, FrozenFileRecord
from membership.use_cases.common import aggregate
from membership.use_cases.electorate import electorate_on
from membership.use_cases.ports import MembershipUoW
from shared.errors import Conflict, NotFound


@dataclass(frozen=True)
class Convocation:
    title: str
    held_on: date
    starts_at: time
    agenda: Sequence[str]
    address: str | None = None
    remote_link: str | None = None
    second_convocation: bool = False
    #: Extranet documents sent with the convocation (in force).
    document_ids: Sequence[UUID] = ()


async def convene(
    uow: MembershipUoW, cmd: Convocation, settings: GovernanceSettings, *, by: str
) -> AssemblyRecord:
    """M11: at least ``convocation_notice_days`` before the day; ``AssemblyConvened`` names
    every structure eligible on that day as known today, with the contact its convocation goes
    to."""
    check_year(cmd.held_on.year, "M11")
    assembly = Assembly.convene(
        id=uuid.uuid4(),
        title=cmd.title,
        held_on=cmd.held_on,
        starts_at=cmd.starts_at,
        venue=Venue(cmd.address, cmd.remote_link),
        agenda=cmd.agenda,
        today=uow.clock.today(),
        settings=settings,
        documents=cmd.document_ids,
        second_convocation=cmd.second_convocation,
    )
    missing = set(assembly.documents) - await uow.extranet.in_force(assembly.documents)
    if missing:
        raise NotFound("Extranet document", ", ".join(sorted(str(m) for m in missing)))
    now = uow.clock.now()
    electorate = await electorate_on(uow, assembly.held_on)
    record = await uow.assemblies.add_assembly(assembly, at=now, by=by)
    uow.outbox.add(events.assembly_convened(assembly, electorate, now), aggregate(record))
    return record


async def assembly_of(
    uow: MembershipUoW, assembly_id: UUID, *, lock: bool = False
) -> AssemblyRecord:
    record = await uow.assemblies.assembly(assembly_id, for_update=lock)
    if record is None:
        raise NotFound("General Assembly", assembly_id)
    return record


# -- the answers, until the opening --------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """Where a structure stands for an assembly."""

    siren: str
    attends: Representative | None
    proxy: Proxy | None
    proxies_held: tuple[Proxy, ...]
    signed: bool

    @classmethod
    def of(cls, assembly: Assembly, siren_or_siret: str) -> Answer:
        siren = voter_of(siren_or_siret)
        attendance = assembly.attendance_of(siren)
        signature = assembly.signature_of(siren)
        attends = signature or attendance
        return cls(
            siren=siren,
            attends=attends.representative if attends is not None else None,
            proxy=assembly.proxy_given_by(siren),
            proxies_held=assembly.proxies_held_by(siren),
            signed=signature is not None,
        )


async def attend(
    uow: MembershipUoW,
    assembly_id: UUID,
    siren: str,
    representative: Representative,
    *,
    by: str,
) -> Answer:
    """The structure will attend, represented by ``representative``: this cancels the proxy it
    gave (M11)."""
    record = await assembly_of(uow, assembly_id, lock=True)
    assembly = record.assembly
    electorate = await electorate_on(uow, assembly.held_on, [siren])
    changed = assembly.announce_attendance(electorate, siren, representative, uow.clock.now())
    saved = await uow.assemblies.save_assembly(record, changed, by=by)
    return Answer.of(saved.assembly, siren)


async def give_proxy(
    uow: MembershipUoW,
    assembly_id: UUID,
    giver: str,
    holder: str,
    settings: GovernanceSettings,
    *,
    by: str,
) -> Answer:
    """M11: the proxy to another member, who holds at most ``max_proxies_held``."""
    record = await assembly_of(uow, assembly_id, lock=True)
    assembly = record.assembly
    electorate = await electorate_on(uow, assembly.held_on, [giver, holder])
    changed = assembly.give_proxy(electorate, giver, holder, uow.clock.now(), settings)
    saved = await uow.assemblies.save_assembly(record, changed, by=by)
    return Answer.of(saved.assembly, giver)


async def withdraw_proxy(uow: MembershipUoW, assembly_id: UUID, giver: str, *, by: str) -> Answer:
    """M11: the giver takes its proxy back, until the assembly opens."""
    record = await assembly_of(uow, assembly_id, lock=True)
    changed = record.assembly.withdraw_proxy(giver, uow.clock.now())
    saved = await uow.assemblies.save_assembly(record, changed, by=by)
    return Answer.of(saved.assembly, giver)


# -- the day ---------------------------------------------------------------------------------


async def sign_in(
    uow: MembershipUoW,
    assembly_id: UUID,
    siren_or_siret: str,
    representative: Representative,
    *,
    by: str,
) -> Answer:
    """Staff record the structure present, on the assembly's day: its proxy is cancelled."""
    record = await assembly_of(uow, assembly_id, lock=True)
    assembly = record.assembly
    electorate = await electorate_on(uow, assembly.held_on, [siren_or_siret])
    changed = assembly.sign_in(electorate, siren_or_siret, representative, uow.clock.now(), by=by)
    saved = await uow.assemblies.save_assembly(record, changed, by=by)
    return Answer.of(saved.assembly, siren_or_siret)


@dataclass(frozen=True)
class QuorumView:
    #: As the sheet stands now (None once the assembly is closed).
    now: Quorum | None
    #: As recorded at the opening.
    recorded: Quorum | None


async def quorum(uow: MembershipUoW, assembly_id: UUID, settings: GovernanceSettings) -> QuorumView:
    """The quorum live: members signed and the proxies their holders would vote (M11)."""
    assembly = (await assembly_of(uow, assembly_id)).assembly
    if assembly.state is AssemblyState.CLOSED:
        return QuorumView(None, assembly.quorum)
    electorate = await electorate_on(uow, assembly.held_on)
    return QuorumView(assembly.quorum_now(electorate, settings.quorum_share), assembly.quorum)


async def open_assembly(
    uow: MembershipUoW, assembly_id: UUID, settings: GovernanceSettings, *, by: str
) -> AssemblyRecord:
    """On the day: the quorum is recorded and the roll of proxies fixed (``AssemblyOpened``)."""
    record = await assembly_of(uow, assembly_id, lock=True)
    assembly = record.assembly
    electorate = await electorate_on(uow, assembly.held_on)
    opened = assembly.open(electorate, uow.clock.now(), settings)
    saved = await uow.assemblies.save_assembly(record, opened, by=by)
    uow.outbox.add(events.assembly_opened(saved.assembly), aggregate(saved))
    return saved


async def close_assembly(uow: MembershipUoW, assembly_id: UUID, *, by: str) -> AssemblyRecord:
    """The attendance sheet and the proxy list are frozen, CSV and PDF, each with its SHA-256
    (``AssemblyClosed`` carries them)."""
    record = await assembly_of(uow, assembly_id, lock=True)
    now = uow.clock.now()
    closed = record.assembly.close(now)
    records = freeze(closed)
    saved = await uow.assemblies.save_assembly(record, closed, by=by)
    await uow.assemblies.freeze(closed.id, records, at=now)
    uow.outbox.add(events.assembly_closed(saved.assembly, records), aggregate(saved))
    return saved


async def frozen_file(
    uow: MembershipUoW, assembly_id: UUID, record: str, file_format: str
) -> FrozenFileRecord:
    """One of a closed assembly's four records, as frozen."""
    assembly = (await assembly_of(uow, assembly_id)).assembly
    if assembly.state is not AssemblyState.CLOSED:
        raise Conflict(
            f"The attendance sheet and the proxy list are frozen when the assembly closes; the "
            f"assembly of {assembly.held_on} is {assembly.state}.",
            rule="M11",
        )
    stored = await uow.assemblies.frozen_file(assembly_id, record, file_format)
    if stored is None:
        raise NotFound(f"Frozen {record} record of the assembly of", assembly.held_on)
    return stored
