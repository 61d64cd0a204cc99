"""The membership service's tables (SQLAlchemy Core); the schema changes only by migration."""

import sqlalchemy as sa

from shared.db import new_metadata
from shared.messaging.tables import aggregate_versions_table, inbox_table, outbox_table

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
aggregate_versions = aggregate_versions_table(metadata)

_now = sa.func.now()

structures = sa.Table(
    "structures",
    metadata,
    sa.Column("siren", sa.Text, primary_key=True),
    sa.Column("legal_name", sa.Text, nullable=False),
    sa.Column("legal_form", sa.Text, nullable=False),
    sa.Column("public_body", sa.Boolean, nullable=False),
    sa.Column("training_organisation", sa.Boolean, nullable=False),
    sa.Column("activity_declaration_number", sa.Text),
    sa.Column("head_office_siret", sa.Text, nullable=False),
    sa.Column("address_line", sa.Text, nullable=False),
    sa.Column("postal_code", sa.Text, nullable=False),
    sa.Column("city", sa.Text, nullable=False),
    sa.Column("insee_code", sa.Text, nullable=False),
    sa.Column("email", sa.Text),
    sa.Column("contact_name", sa.Text),
    sa.Column("phone", sa.Text),
    sa.Column("qualiopi_number", sa.Text),
    sa.Column("qualiopi_valid_until", sa.Date),
    sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
)

establishments = sa.Table(
    "establishments",
    metadata,
    sa.Column("siret", sa.Text, primary_key=True),
    sa.Column("siren", sa.ForeignKey("structures.siren"), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    #: head_office | applicant | beneficiary
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("address_line", sa.Text),
    sa.Column("postal_code", sa.Text),
    sa.Column("city", sa.Text),
    sa.Column("insee_code", sa.Text),
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
    sa.Column("removed_at", sa.DateTime(timezone=True)),
    sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
)

applications = sa.Table(
    "applications",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("siren", sa.ForeignKey("structures.siren"), nullable=False, index=True),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("plan", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("structure_text", sa.Text),
    sa.Column("activity_text", sa.Text),
    sa.Column("motivations_text", sa.Text),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("submitted_by", sa.Text, nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.Column("decided_by", sa.Text),
    sa.Column("rejection_reason", sa.Text),
    sa.Column("membership_id", sa.Uuid),
    sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
    # One live application per structure and year; a rejected one may be made again (M3).
    sa.Index(
        "uq_applications_siren_year_live",
        "siren",
        "year",
        unique=True,
        postgresql_where=sa.text("status <> 'rejected'"),
    ),
    sa.Index(
        "ix_applications_pending",
        "submitted_at",
        postgresql_where=sa.text("status = 'pending_review'"),
    ),
)

memberships = sa.Table(
    "memberships",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("siren", sa.ForeignKey("structures.siren"), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("plan", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("application_id", sa.ForeignKey("applications.id"), nullable=False),
    sa.Column("amount", sa.Numeric(12, 2), nullable=False),
    sa.Column("submitted_on", sa.Date, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("valid_from", sa.Date),
    sa.Column("premium_from", sa.Date),
    sa.Column("invoice_id", sa.Uuid),
    sa.Column("activated_at", sa.DateTime(timezone=True)),
    sa.Column("lapsed_on", sa.Date),
    sa.Column("lapse_reason", sa.Text),
    sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
    #: The year's plan upgrade (M10), once requested (the last one, if cancelled).
    sa.Column("upgrade_id", sa.Uuid),
    sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
    sa.UniqueConstraint("siren", "year", name="uq_memberships_siren_year"),
    sa.Index("ix_memberships_active_year", "year", postgresql_where=sa.text("state = 'active'")),
)

upgrades = sa.Table(
    "plan_upgrades",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("membership_id", sa.ForeignKey("memberships.id"), nullable=False, index=True),
    sa.Column("siren", sa.Text, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("from_plan", sa.Text, nullable=False),
    sa.Column("to_plan", sa.Text, nullable=False),
    sa.Column("amount", sa.Numeric(12, 2), nullable=False),
    #: awaiting_payment | paid | cancelled
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("paid_on", sa.Date),
    sa.Column("invoice_id", sa.Uuid),
    # At most one upgrade in progress or done per membership (M10).
    sa.Index(
        "uq_plan_upgrades_live",
        "membership_id",
        unique=True,
        postgresql_where=sa.text("state <> 'cancelled'"),
    ),
)

tariffs = sa.Table(
    "tariffs",
    metadata,
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("simple", sa.Numeric(12, 2), nullable=False),
    sa.Column("premium", sa.Numeric(12, 2), nullable=False),
    sa.Column("upgrade", sa.Numeric(12, 2), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
    sa.Column("updated_by", sa.Text),
)

campaigns = sa.Table(
    "renewal_campaigns",
    metadata,
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("started_by", sa.Text, nullable=False),
)

dues_calls = sa.Table(
    "dues_calls",
    metadata,
    sa.Column("year", sa.ForeignKey("renewal_campaigns.year"), primary_key=True),
    sa.Column("siren", sa.ForeignKey("structures.siren"), primary_key=True),
    sa.Column("siret", sa.Text, nullable=False),
    sa.Column("legal_name", sa.Text, nullable=False),
    sa.Column("email", sa.Text),
    sa.Column("plan", sa.Text, nullable=False),
    sa.Column("amount", sa.Numeric(12, 2), nullable=False),
    sa.Column("called_at", sa.DateTime(timezone=True), nullable=False),
)
