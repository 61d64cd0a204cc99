"""The tables of the member-rights projection, defined once; each consuming service has its own.

One row per membership (the dates and plan its events carry), per declared establishment, and
per structure's Qualiopi certificate. Each group of facts keeps the ``aggregate_version`` of the
event that wrote it, so the newest fact wins whatever the order of arrival (see
:mod:`shared.projections.member_rights`).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

MEMBER_PERIODS = "member_periods"
MEMBER_ESTABLISHMENTS = "member_establishments"
MEMBER_CERTIFICATIONS = "member_certifications"


def _periods_columns() -> list[Any]:
    return [
        sa.Column("membership_id", sa.Uuid, primary_key=True),
        sa.Column("siren", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        # from MembershipActivated
        sa.Column("plan", sa.Text),
        sa.Column("valid_from", sa.Date),
        sa.Column("valid_until", sa.Date),
        sa.Column("grace_until", sa.Date),
        sa.Column("training_organisation", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("activated_version", sa.BigInteger),
        # from MembershipLapsed / MembershipReinstated
        sa.Column("lapsed_on", sa.Date),
        sa.Column("reinstated_until", sa.Date),
        sa.Column("status_version", sa.BigInteger),
    ]


def _establishments_columns() -> list[Any]:
    return [
        sa.Column("siret", sa.Text, primary_key=True),
        sa.Column("siren", sa.Text, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("declared", sa.Boolean, nullable=False),
        #: None: known only from a MembershipActivated snapshot, any versioned fact wins
        sa.Column("version", sa.BigInteger),
    ]


def _certifications_columns() -> list[Any]:
    return [
        sa.Column("siren", sa.Text, primary_key=True),
        sa.Column("certificate_number", sa.Text),
        sa.Column("valid_until", sa.Date),
        #: None: known only from a MembershipActivated snapshot, any versioned fact wins
        sa.Column("version", sa.BigInteger),
    ]


def member_rights_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table, sa.Table]:
    """The three tables on ``metadata`` (a service's ``tables.py``), with their indexes."""
    periods = sa.Table(MEMBER_PERIODS, metadata, *_periods_columns())
    sa.Index("ix_member_periods_siren", periods.c.siren)
    establishments = sa.Table(MEMBER_ESTABLISHMENTS, metadata, *_establishments_columns())
    sa.Index("ix_member_establishments_siren", establishments.c.siren)
    certifications = sa.Table(MEMBER_CERTIFICATIONS, metadata, *_certifications_columns())
    return periods, establishments, certifications


def create_member_rights_tables() -> None:
    """Called from the consuming service's migration."""
    from alembic import op

    op.create_table(MEMBER_PERIODS, *_periods_columns())
    op.create_index("ix_member_periods_siren", MEMBER_PERIODS, ["siren"])
    op.create_table(MEMBER_ESTABLISHMENTS, *_establishments_columns())
    op.create_index("ix_member_establishments_siren", MEMBER_ESTABLISHMENTS, ["siren"])
    op.create_table(MEMBER_CERTIFICATIONS, *_certifications_columns())


def drop_member_rights_tables() -> None:
    from alembic import op

    for table in (MEMBER_CERTIFICATIONS, MEMBER_ESTABLISHMENTS, MEMBER_PERIODS):
        op.drop_table(table)
