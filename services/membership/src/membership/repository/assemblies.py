"""Queries of the General Assembly (M11): the assembly, its answers, proxies and signatures, and
the frozen records of a closed one.

An assembly is read whole and saved whole: :meth:`AssemblyRepository.save_assembly` writes
what changed between the assembly as read (locked) and as the pure aggregate returned it —
answers replaced or removed, proxies appended or ended (kept in the order given), signatures
added — and advances the row's version only when the row itself changed (opening, closing).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from membership.governance.assembly import (
    Assembly,
    AssemblyState,
    AttendanceAnswer,
    Proxy,
    ProxyStatus,
    Signature,
    Venue,
)
from membership.governance.electorate import Representative
from membership.governance.exports import AssemblyRecords
from membership.governance.quorum import Quorum
from membership.records import AssemblyRecord, AssemblySummary, FrozenFileRecord, Listing
from membership.repository.rows import all_rows, count, one, reader
from membership.tables import (
    assemblies,
    assembly_attendances,
    assembly_proxies,
    assembly_records,
    assembly_signatures,
)
from shared.errors import Conflict

_summary = reader(AssemblySummary)
_frozen = reader(FrozenFileRecord)


def _representative(row: sa.RowMapping) -> Representative:
    return Representative(
        row["representative_name"], row["representative_email"], row["representative_position"]
    )


def _representative_values(representative: Representative) -> dict[str, Any]:
    return {
        "representative_name": representative.name,
        "representative_email": representative.email,
        "representative_position": representative.position,
    }


def _quorum(row: sa.RowMapping) -> Quorum | None:
    if row["quorum_eligible"] is None:
        return None
    return Quorum(
        row["quorum_eligible"],
        row["quorum_present"],
        row["quorum_represented"],
        Decimal(row["quorum_share"]).normalize(),
        row["second_convocation"],
    )


def _row_values(assembly: Assembly) -> dict[str, Any]:
    """The columns of the assembly's own row (not its answers)."""
    quorum = assembly.quorum
    return {
        "id": assembly.id,
        "title": assembly.title,
        "held_on": assembly.held_on,
        "starts_at": assembly.starts_at,
        "address": assembly.venue.address,
        "remote_link": assembly.venue.link,
        "agenda": list(assembly.agenda),
        "document_ids": list(assembly.documents),
        "second_convocation": assembly.second_convocation,
        "state": assembly.state.value,
        "convened_on": assembly.convened_on,
        "quorum_eligible": quorum.eligible if quorum else None,
        "quorum_present": quorum.present if quorum else None,
        "quorum_represented": quorum.represented if quorum else None,
        "quorum_share": quorum.share if quorum else None,
        "opened_at": assembly.opened_at,
        "closed_at": assembly.closed_at,
    }


def _proxy_values(proxy: Proxy) -> dict[str, Any]:
    return {"status": proxy.status.value, "ended_at": proxy.ended_at}


class AssemblyRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def add_assembly(self, assembly: Assembly, *, at: datetime, by: str) -> AssemblyRecord:
        row = await one(
            self.connection,
            sa.insert(assemblies)
            .values(**_row_values(assembly), convened_at=at, convened_by=by)
            .returning(*assemblies.c),
        )
        assert row is not None
        return await self._record(row)

    async def assembly(
        self, assembly_id: UUID, *, for_update: bool = False
    ) -> AssemblyRecord | None:
        """The assembly with its answers; ``for_update`` locks its row until the transaction
        ends, so that the answers of one assembly are decided one after the other (M11)."""
        query = sa.select(assemblies).where(assemblies.c.id == assembly_id)
        row = await one(self.connection, query.with_for_update() if for_update else query)
        return None if row is None else await self._record(row)

    async def list_assemblies(
        self,
        *,
        state: AssemblyState | None = None,
        year: int | None = None,
        limit: int,
        offset: int,
    ) -> Listing[AssemblySummary]:
        """Assemblies, the latest first."""
        query = sa.select(assemblies)
        if state is not None:
            query = query.where(assemblies.c.state == state.value)
        if year is not None:
            query = query.where(sa.extract("year", assemblies.c.held_on) == year)
        total = await count(self.connection, query)
        rows = await all_rows(
            self.connection,
            query.order_by(assemblies.c.held_on.desc(), assemblies.c.id)
            .limit(limit)
            .offset(offset),
        )
        return Listing([_summary(r) for r in rows], total)

    async def save_assembly(
        self, record: AssemblyRecord, changed: Assembly, *, by: str
    ) -> AssemblyRecord:
        """Store ``changed``, the assembly ``record`` held (read locked); ``by`` made the change."""
        before = record.assembly
        if changed.id != before.id:
            raise ValueError("an assembly is saved over itself")
        await self._save_attendances(before, changed, by)
        await self._save_proxies(before, changed, by)
        await self._save_signatures(before, changed)
        values = _row_values(changed)
        if values == _row_values(before):
            return AssemblyRecord(
                changed,
                record.convened_at,
                record.convened_by,
                record.opened_by,
                record.closed_by,
                record.version,
            )
        if changed.opened_at != before.opened_at:
            values["opened_by"] = by
        if changed.closed_at != before.closed_at:
            values["closed_by"] = by
        version = assemblies.c.version
        row = await one(
            self.connection,
            sa.update(assemblies)
            .where(assemblies.c.id == before.id, version == record.version)
            .values(**values, version=version + 1)
            .returning(*assemblies.c),
        )
        if row is None:
            raise Conflict("The assembly changed meanwhile; try again.")
        return await self._record(row)

    # -- the frozen records of a closed assembly ----------------------------------------------

    async def freeze(self, assembly_id: UUID, records: AssemblyRecords, *, at: datetime) -> None:
        """Store the four records; a second freeze of one assembly is refused by the key."""
        rows = [
            {
                "assembly_id": assembly_id,
                "record": record,
                "format": file_format,
                "filename": file.filename,
                "media_type": file.media_type,
                "content": file.content,
                "sha256": file.sha256,
                "frozen_at": at,
            }
            for (record, file_format), file in (
                (("attendance", "csv"), records.attendance_csv),
                (("attendance", "pdf"), records.attendance_pdf),
                (("proxies", "csv"), records.proxies_csv),
                (("proxies", "pdf"), records.proxies_pdf),
            )
        ]
        await self.connection.execute(sa.insert(assembly_records).values(rows))

    async def frozen_file(
        self, assembly_id: UUID, record: str, file_format: str
    ) -> FrozenFileRecord | None:
        row = await one(
            self.connection,
            sa.select(assembly_records).where(
                assembly_records.c.assembly_id == assembly_id,
                assembly_records.c.record == record,
                assembly_records.c.format == file_format,
            ),
        )
        return None if row is None else _frozen(row)

    # -- reading and writing the parts ----------------------------------------------------------

    async def _record(self, row: sa.RowMapping) -> AssemblyRecord:
        assembly_id: UUID = row["id"]
        attendances = await all_rows(
            self.connection,
            sa.select(assembly_attendances)
            .where(assembly_attendances.c.assembly_id == assembly_id)
            .order_by(assembly_attendances.c.siren),
        )
        proxies = await all_rows(
            self.connection,
            sa.select(assembly_proxies)
            .where(assembly_proxies.c.assembly_id == assembly_id)
            .order_by(assembly_proxies.c.position),
        )
        signatures = await all_rows(
            self.connection,
            sa.select(assembly_signatures)
            .where(assembly_signatures.c.assembly_id == assembly_id)
            .order_by(assembly_signatures.c.siren),
        )
        assembly = Assembly(
            id=assembly_id,
            title=row["title"],
            held_on=row["held_on"],
            starts_at=row["starts_at"],
            venue=Venue(row["address"], row["remote_link"]),
            agenda=tuple(row["agenda"]),
            convened_on=row["convened_on"],
            documents=tuple(row["document_ids"]),
            second_convocation=row["second_convocation"],
            state=AssemblyState(row["state"]),
            attendances=tuple(
                AttendanceAnswer(
                    a["siren"], a["structure_name"], _representative(a), a["answered_at"]
                )
                for a in attendances
            ),
            proxies=tuple(
                Proxy(
                    p["giver"],
                    p["giver_name"],
                    p["holder"],
                    p["holder_name"],
                    p["given_at"],
                    ProxyStatus(p["status"]),
                    p["ended_at"],
                )
                for p in proxies
            ),
            signatures=tuple(
                Signature(
                    s["siren"],
                    s["structure_name"],
                    _representative(s),
                    s["signed_at"],
                    s["signed_by"],
                )
                for s in signatures
            ),
            quorum=_quorum(row),
            opened_at=row["opened_at"],
            closed_at=row["closed_at"],
        )
        return AssemblyRecord(
            assembly,
            row["convened_at"],
            row["convened_by"],
            row["opened_by"],
            row["closed_by"],
            row["version"],
        )

    async def _save_attendances(self, before: Assembly, after: Assembly, by: str) -> None:
        old = {a.siren: a for a in before.attendances}
        new = {a.siren: a for a in after.attendances}
        gone = sorted(old.keys() - new.keys())
        if gone:
            await self.connection.execute(
                sa.delete(assembly_attendances).where(
                    assembly_attendances.c.assembly_id == before.id,
                    assembly_attendances.c.siren.in_(gone),
                )
            )
        for siren, answer in sorted(new.items()):
            if old.get(siren) == answer:
                continue
            values = {
                "assembly_id": before.id,
                "siren": siren,
                "structure_name": answer.structure_name,
                **_representative_values(answer.representative),
                "answered_at": answer.answered_at,
                "answered_by": by,
            }
            statement = pg_insert(assembly_attendances).values(**values)
            await self.connection.execute(
                statement.on_conflict_do_update(
                    index_elements=["assembly_id", "siren"],
                    set_={
                        k: statement.excluded[k]
                        for k in values
                        if k not in {"assembly_id", "siren"}
                    },
                )
            )

    async def _save_proxies(self, before: Assembly, after: Assembly, by: str) -> None:
        """Proxies are only appended or ended: each keeps its position in the order given."""
        kept: Sequence[Proxy] = after.proxies[: len(before.proxies)]
        for position, (old, new) in enumerate(zip(before.proxies, kept, strict=True)):
            if (old.giver, old.holder, old.given_at) != (new.giver, new.holder, new.given_at):
                raise ValueError("a proxy given is never rewritten, only ended")
            if old != new:
                await self.connection.execute(
                    sa.update(assembly_proxies)
                    .where(
                        assembly_proxies.c.assembly_id == before.id,
                        assembly_proxies.c.position == position,
                    )
                    .values(**_proxy_values(new))
                )
        added = [
            {
                "assembly_id": before.id,
                "position": position,
                "giver": proxy.giver,
                "giver_name": proxy.giver_name,
                "holder": proxy.holder,
                "holder_name": proxy.holder_name,
                "given_at": proxy.given_at,
                "given_by": by,
                **_proxy_values(proxy),
            }
            for position, proxy in enumerate(after.proxies)
            if position >= len(before.proxies)
        ]
        if added:
            await self.connection.execute(sa.insert(assembly_proxies).values(added))

    async def _save_signatures(self, before: Assembly, after: Assembly) -> None:
        signed = {s.siren for s in before.signatures}
        added = [
            {
                "assembly_id": before.id,
                "siren": s.siren,
                "structure_name": s.structure_name,
                **_representative_values(s.representative),
                "signed_at": s.signed_at,
                "signed_by": s.signed_by,
            }
            for s in after.signatures
            if s.siren not in signed
        ]
        if added:
            await self.connection.execute(sa.insert(assembly_signatures).values(added))
