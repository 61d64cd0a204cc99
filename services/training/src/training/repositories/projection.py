"""The member-rights projection (``shared.projections``) as a pre-registration reads it.

The projection, its tables and its reader (:class:`shared.projections.member_rights
.MemberRights`) are shared's; the waiting list and the lapse hook read through that reader. A
pre-registration needs the structure's periods and its establishment's flag at once: here
both come in one statement on the driver (the reader's two Core statements cost a quarter of
the request's CPU), as the same :class:`MembershipPeriod` values the reader builds, so the
status is decided by shared's ``status_on`` all the same.
"""

from __future__ import annotations

import asyncpg

from shared.projections.member_rights_tables import MEMBER_ESTABLISHMENTS, MEMBER_PERIODS
from shared.projections.member_status import MembershipPeriod

_PERIOD_FIELDS = tuple(MembershipPeriod.__dataclass_fields__)
_RIGHTS_OF = f"""
SELECT {", ".join(f"p.{name}" for name in _PERIOD_FIELDS)},
       (SELECT e.declared FROM {MEMBER_ESTABLISHMENTS} e WHERE e.siret = $2) AS declared
FROM (SELECT 1) AS one
LEFT JOIN {MEMBER_PERIODS} p ON p.siren = $1
"""


class ProjectionRepository:
    def __init__(self, driver: asyncpg.Connection) -> None:
        self._driver = driver

    async def rights_of(self, siren: str, siret: str) -> tuple[list[MembershipPeriod], bool]:
        """The structure's membership periods, and whether the establishment has its rights
        (M7: unless declared and then removed as a beneficiary)."""
        rows = await self._driver.fetch(_RIGHTS_OF, siren, siret)
        periods = [
            MembershipPeriod(**{name: row[name] for name in _PERIOD_FIELDS})
            for row in rows
            if row["membership_id"] is not None
        ]
        return periods, rows[0]["declared"] is not False
