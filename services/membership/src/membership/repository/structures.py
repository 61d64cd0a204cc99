"""Queries of structures and their establishments (M1, M7, M9)."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from membership.records import EstablishmentRecord, EstablishmentRole, Listing, StructureRecord
from membership.repository.rows import (
    all_rows,
    count,
    like_pattern,
    one,
    reader,
    save,
    values_of,
)
from membership.tables import establishments, structures

_structure = reader(StructureRecord)
_establishment = reader(EstablishmentRecord)


class StructureRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    # -- structures --------------------------------------------------------------------------

    async def structure(self, siren: str, *, for_update: bool = False) -> StructureRecord | None:
        query = sa.select(structures).where(structures.c.siren == siren)
        row = await one(self.connection, query.with_for_update() if for_update else query)
        return None if row is None else _structure(row)

    async def structures_of(self, sirens: Collection[str]) -> list[StructureRecord]:
        """The registered structures among ``sirens``, by SIREN."""
        if not sirens:
            return []
        rows = await all_rows(
            self.connection,
            sa.select(structures)
            .where(structures.c.siren.in_(list(sirens)))
            .order_by(structures.c.siren),
        )
        return [_structure(r) for r in rows]

    async def add_structure(self, record: StructureRecord) -> StructureRecord | None:
        """The stored structure; None when the SIREN is already registered."""
        row = await one(
            self.connection,
            pg_insert(structures)
            .values(**values_of(record))
            .on_conflict_do_nothing(index_elements=["siren"])
            .returning(*structures.c),
        )
        return None if row is None else _structure(row)

    async def save_structure(self, record: StructureRecord) -> StructureRecord:
        """Store the changed structure; returns it at its new version."""
        key = structures.c.siren == record.siren
        return _structure(await save(self.connection, structures, key, record, "structure"))

    async def list_structures(
        self,
        *,
        name: str | None = None,
        siren: str | None = None,
        commune: str | None = None,
        limit: int,
        offset: int,
    ) -> Listing[StructureRecord]:
        """Structures by name, ``name`` a part of it in any case; ``commune`` the head office's
        city (any case) or INSEE code."""
        query = sa.select(structures)
        if name:
            query = query.where(structures.c.legal_name.ilike(like_pattern(name), escape="\\"))
        if siren:
            query = query.where(structures.c.siren == siren)
        if commune:
            query = query.where(
                sa.or_(
                    sa.func.lower(structures.c.city) == commune.strip().lower(),
                    structures.c.insee_code == commune.strip().upper(),
                )
            )
        total = await count(self.connection, query)
        rows = await all_rows(
            self.connection,
            query.order_by(structures.c.legal_name, structures.c.siren).limit(limit).offset(offset),
        )
        return Listing([_structure(r) for r in rows], total)

    # -- establishments ----------------------------------------------------------------------

    async def establishment(self, siret: str) -> EstablishmentRecord | None:
        row = await one(
            self.connection, sa.select(establishments).where(establishments.c.siret == siret)
        )
        return None if row is None else _establishment(row)

    async def establishments_of(self, siren: str) -> list[EstablishmentRecord]:
        """The establishments of ``siren`` still declared, by SIRET."""
        rows = await all_rows(
            self.connection,
            sa.select(establishments)
            .where(establishments.c.siren == siren, establishments.c.removed_at.is_(None))
            .order_by(establishments.c.siret),
        )
        return [_establishment(r) for r in rows]

    async def beneficiary_sirets(self, siren: str) -> list[str]:
        rows = await all_rows(
            self.connection,
            sa.select(establishments.c.siret)
            .where(
                establishments.c.siren == siren,
                establishments.c.role == EstablishmentRole.BENEFICIARY.value,
                establishments.c.removed_at.is_(None),
            )
            .order_by(establishments.c.siret),
        )
        return [r["siret"] for r in rows]

    async def add_establishment(self, record: EstablishmentRecord) -> EstablishmentRecord:
        row = await one(
            self.connection,
            sa.insert(establishments).values(**values_of(record)).returning(*establishments.c),
        )
        assert row is not None
        return _establishment(row)

    async def save_establishment(self, record: EstablishmentRecord) -> EstablishmentRecord:
        """Store the changed establishment; returns it at its new version."""
        key = establishments.c.siret == record.siret
        row = await save(self.connection, establishments, key, record, "establishment")
        return _establishment(row)
