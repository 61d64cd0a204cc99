"""Queries of the open badges (M11): the awards and the status list that revokes them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from membership.governance.badges import (
    Award,
    BadgeKind,
    PersonRecipient,
    RevocationReason,
    StructureRecipient,
)
from membership.records import AwardRecord, Listing, StatusListRecord
from membership.repository.rows import all_rows, count, one, reader
from membership.tables import badge_awards, badge_status_lists, memberships
from shared.errors import Conflict

_status_list = reader(StatusListRecord)
_STRUCTURE_KINDS = [k.value for k in BadgeKind if k.for_structures]


def _award(row: sa.RowMapping) -> AwardRecord:
    kind = BadgeKind(row["kind"])
    recipient: StructureRecipient | PersonRecipient = (
        StructureRecipient(row["siren"], row["structure_name"] or "")
        if kind.for_structures
        else PersonRecipient(row["recipient_email"], row["siren"])
    )
    reason = row["revocation_reason"]
    award = Award(
        id=row["id"],
        kind=kind,
        recipient=recipient,
        context=row["context"],
        awarded_at=row["awarded_at"],
        status_index=row["status_index"],
        activity_on=row["activity_on"],
        participation=row["participation"],
        revoked_at=row["revoked_at"],
        revocation_reason=RevocationReason(reason) if reason else None,
    )
    return AwardRecord(
        award, row["awarded_by"], row["revocation_note"], row["revoked_by"], row["version"]
    )


def _award_values(award: Award) -> dict[str, Any]:
    recipient = award.recipient
    return {
        "id": award.id,
        "kind": award.kind.value,
        "recipient": award.key[1],
        "siren": award.siren,
        "structure_name": recipient.name if isinstance(recipient, StructureRecipient) else None,
        "recipient_email": recipient.email if isinstance(recipient, PersonRecipient) else None,
        "context": award.context,
        "awarded_at": award.awarded_at,
        "status_index": award.status_index,
        "activity_on": award.activity_on,
        "participation": award.participation,
    }


class BadgeRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    # -- awards --------------------------------------------------------------------------------

    async def add_award(self, award: Award, *, by: str) -> AwardRecord:
        row = await one(
            self.connection,
            sa.insert(badge_awards)
            .values(**_award_values(award), awarded_by=by)
            .returning(*badge_awards.c),
        )
        assert row is not None
        return _award(row)

    async def award(self, award_id: UUID, *, for_update: bool = False) -> AwardRecord | None:
        query = sa.select(badge_awards).where(badge_awards.c.id == award_id)
        row = await one(self.connection, query.with_for_update() if for_update else query)
        return None if row is None else _award(row)

    async def awards_for(self, kind: BadgeKind, context: str) -> list[AwardRecord]:
        """Every award of ``kind`` recognising ``context``, revoked ones included."""
        rows = await all_rows(
            self.connection,
            sa.select(badge_awards)
            .where(badge_awards.c.kind == kind.value, badge_awards.c.context == context)
            .order_by(badge_awards.c.awarded_at, badge_awards.c.id),
        )
        return [_award(r) for r in rows]

    async def list_awards(
        self,
        *,
        siren: str | None = None,
        kind: BadgeKind | None = None,
        revoked: bool | None = None,
        limit: int,
        offset: int,
    ) -> Listing[AwardRecord]:
        """Awards, the latest first."""
        query = sa.select(badge_awards)
        if siren is not None:
            query = query.where(badge_awards.c.siren == siren)
        if kind is not None:
            query = query.where(badge_awards.c.kind == kind.value)
        if revoked is not None:
            column = badge_awards.c.revoked_at
            query = query.where(column.is_not(None) if revoked else column.is_(None))
        total = await count(self.connection, query)
        rows = await all_rows(
            self.connection,
            query.order_by(badge_awards.c.awarded_at.desc(), badge_awards.c.id)
            .limit(limit)
            .offset(offset),
        )
        return Listing([_award(r) for r in rows], total)

    async def save_revocation(
        self, record: AwardRecord, revoked: Award, *, note: str | None, by: str
    ) -> AwardRecord:
        """Store the revocation of the award ``record`` held (read locked)."""
        version = badge_awards.c.version
        row = await one(
            self.connection,
            sa.update(badge_awards)
            .where(badge_awards.c.id == revoked.id, version == record.version)
            .values(
                revoked_at=revoked.revoked_at,
                revocation_reason=(
                    revoked.revocation_reason.value if revoked.revocation_reason else None
                ),
                revocation_note=note,
                revoked_by=by,
                version=version + 1,
            )
            .returning(*badge_awards.c),
        )
        if row is None:
            raise Conflict("The badge changed meanwhile; try again.")
        return _award(row)

    async def structure_awards_before(self, siren: str, before: date) -> list[AwardRecord]:
        """The structure's badges in force that recognise what it did before ``before`` (its
        activity's day, else the day of the award), locked."""
        rows = await all_rows(
            self.connection,
            sa.select(badge_awards)
            .where(
                badge_awards.c.siren == siren,
                badge_awards.c.kind.in_(_STRUCTURE_KINDS),
                badge_awards.c.revoked_at.is_(None),
                _recognised_day() < before,
            )
            .order_by(badge_awards.c.awarded_at, badge_awards.c.id)
            .with_for_update(),
        )
        return [_award(r) for r in rows]

    async def awards_of_final_lapses(
        self, *, final_reasons: Collection[str], deferred_reason: str, deferred_up_to_year: int
    ) -> list[tuple[AwardRecord, date]]:
        """Structure badges in force that a final lapse ends, each with that lapse's day: a
        membership lapsed for one of ``final_reasons``, or for ``deferred_reason`` in a year up
        to ``deferred_up_to_year``, after what the badge recognises. Locked, SKIP LOCKED: two
        runs never revoke one badge twice."""
        lapse = (
            sa.select(sa.func.min(memberships.c.lapsed_on))
            .where(
                memberships.c.siren == badge_awards.c.siren,
                memberships.c.state == "lapsed",
                sa.or_(
                    memberships.c.lapse_reason.in_(list(final_reasons)),
                    sa.and_(
                        memberships.c.lapse_reason == deferred_reason,
                        memberships.c.year <= deferred_up_to_year,
                    ),
                ),
                memberships.c.lapsed_on > _recognised_day(),
            )
            .scalar_subquery()
        )
        rows = await all_rows(
            self.connection,
            sa.select(badge_awards, lapse.label("lapsed_on"))
            .where(
                badge_awards.c.kind.in_(_STRUCTURE_KINDS),
                badge_awards.c.revoked_at.is_(None),
                lapse.is_not(None),
            )
            .order_by(badge_awards.c.siren, badge_awards.c.awarded_at, badge_awards.c.id)
            .with_for_update(of=badge_awards, skip_locked=True),
        )
        return [(_award(r), r["lapsed_on"]) for r in rows]

    # -- the status list -------------------------------------------------------------------------

    async def status_list(self, purpose: str) -> StatusListRecord | None:
        row = await one(
            self.connection,
            sa.select(badge_status_lists).where(badge_status_lists.c.purpose == purpose),
        )
        return None if row is None else _status_list(row)

    async def create_status_list(
        self, purpose: str, *, size: int, empty: str, at: datetime
    ) -> None:
        """The list, empty (``empty`` is its ``encodedList``), unless it exists already."""
        await self.connection.execute(
            pg_insert(badge_status_lists)
            .values(purpose=purpose, size=size, encoded_list=empty, updated_at=at)
            .on_conflict_do_nothing(index_elements=["purpose"])
        )

    async def lock_status_list(self, purpose: str) -> StatusListRecord | None:
        """The list, locked: awards (index allocation) and revocations go one after the other."""
        row = await one(
            self.connection,
            sa.select(badge_status_lists)
            .where(badge_status_lists.c.purpose == purpose)
            .with_for_update(),
        )
        return None if row is None else _status_list(row)

    async def save_status_list(
        self, record: StatusListRecord, encoded: str, at: datetime
    ) -> StatusListRecord:
        version = badge_status_lists.c.version
        row = await one(
            self.connection,
            sa.update(badge_status_lists)
            .where(badge_status_lists.c.purpose == record.purpose, version == record.version)
            .values(encoded_list=encoded, updated_at=at, version=version + 1)
            .returning(*badge_status_lists.c),
        )
        if row is None:
            raise Conflict("The badge status list changed meanwhile; try again.")
        return _status_list(row)

    async def taken_indexes(self) -> set[int]:
        rows = await all_rows(self.connection, sa.select(badge_awards.c.status_index))
        return {r["status_index"] for r in rows}

    async def revoked_indexes(self) -> set[int]:
        rows = await all_rows(
            self.connection,
            sa.select(badge_awards.c.status_index).where(badge_awards.c.revoked_at.is_not(None)),
        )
        return {r["status_index"] for r in rows}


def _recognised_day() -> sa.ColumnElement[date]:
    """The day a badge recognises: its activity's, else the (UTC) day it was awarded."""
    return sa.func.coalesce(
        badge_awards.c.activity_on,
        sa.cast(sa.func.timezone("UTC", badge_awards.c.awarded_at), sa.Date),
    )
