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
    #: F8: a public body's Chorus Pro references, and which of them it requires on an invoice.
    sa.Column("chorus_service_code", sa.Text),
    sa.Column("chorus_commitment_number", sa.Text),
    sa.Column(
        "chorus_service_code_required", sa.Boolean, nullable=False, server_default=sa.false()
    ),
    sa.Column("chorus_commitment_required", sa.Boolean, nullable=False, server_default=sa.false()),
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

# -- governance (M11) ------------------------------------------------------------------------

#: The Ordinary General Assembly: one row, answers, proxies and signatures beside it.
assemblies = sa.Table(
    "assemblies",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("held_on", sa.Date, nullable=False),
    sa.Column("starts_at", sa.Time, nullable=False),
    sa.Column("address", sa.Text),
    sa.Column("remote_link", sa.Text),
    sa.Column("agenda", sa.ARRAY(sa.Text), nullable=False),
    sa.Column("document_ids", sa.ARRAY(sa.Uuid), nullable=False),
    sa.Column("second_convocation", sa.Boolean, nullable=False),
    #: convened | open | closed
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("convened_on", sa.Date, nullable=False),
    sa.Column("convened_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("convened_by", sa.Text, nullable=False),
    #: The quorum recorded at the opening.
    sa.Column("quorum_eligible", sa.Integer),
    sa.Column("quorum_present", sa.Integer),
    sa.Column("quorum_represented", sa.Integer),
    sa.Column("quorum_share", sa.Numeric(5, 4)),
    sa.Column("opened_at", sa.DateTime(timezone=True)),
    sa.Column("opened_by", sa.Text),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
    sa.Column("closed_by", sa.Text),
    sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
    sa.CheckConstraint("state IN ('convened', 'open', 'closed')", name="state"),
    sa.Index("ix_assemblies_held_on", "held_on"),
)

#: A structure's announced attendance (one answer a structure; giving a proxy removes it).
assembly_attendances = sa.Table(
    "assembly_attendances",
    metadata,
    sa.Column("assembly_id", sa.ForeignKey("assemblies.id"), primary_key=True),
    sa.Column("siren", sa.Text, primary_key=True),
    sa.Column("structure_name", sa.Text, nullable=False),
    sa.Column("representative_name", sa.Text, nullable=False),
    sa.Column("representative_email", sa.Text),
    sa.Column("representative_position", sa.Text),
    sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("answered_by", sa.Text, nullable=False),
)

#: Every proxy given, in the order given (``position``), whatever became of it.
assembly_proxies = sa.Table(
    "assembly_proxies",
    metadata,
    sa.Column("assembly_id", sa.ForeignKey("assemblies.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("giver", sa.Text, nullable=False),
    sa.Column("giver_name", sa.Text, nullable=False),
    sa.Column("holder", sa.Text, nullable=False),
    sa.Column("holder_name", sa.Text, nullable=False),
    sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("given_by", sa.Text, nullable=False),
    #: active | withdrawn | cancelled_by_attendance | void
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True)),
    # M11: a structure gives one proxy at a time.
    sa.Index(
        "uq_assembly_proxies_active_giver",
        "assembly_id",
        "giver",
        unique=True,
        postgresql_where=sa.text("status = 'active'"),
    ),
    sa.Index(
        "ix_assembly_proxies_active_holder",
        "assembly_id",
        "holder",
        postgresql_where=sa.text("status = 'active'"),
    ),
)

#: The attendance sheet: signed by staff on the day, one line a structure.
assembly_signatures = sa.Table(
    "assembly_signatures",
    metadata,
    sa.Column("assembly_id", sa.ForeignKey("assemblies.id"), primary_key=True),
    sa.Column("siren", sa.Text, primary_key=True),
    sa.Column("structure_name", sa.Text, nullable=False),
    sa.Column("representative_name", sa.Text, nullable=False),
    sa.Column("representative_email", sa.Text),
    sa.Column("representative_position", sa.Text),
    sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("signed_by", sa.Text, nullable=False),
)

#: A closed assembly's attendance sheet and proxy list, CSV and PDF: insert-only (a trigger
#: refuses UPDATE and DELETE), each with its SHA-256.
assembly_records = sa.Table(
    "assembly_records",
    metadata,
    sa.Column("assembly_id", sa.ForeignKey("assemblies.id"), primary_key=True),
    #: attendance | proxies
    sa.Column("record", sa.Text, primary_key=True),
    #: csv | pdf
    sa.Column("format", sa.Text, primary_key=True),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("media_type", sa.Text, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("record IN ('attendance', 'proxies')", name="record"),
    sa.CheckConstraint("format IN ('csv', 'pdf')", name="format"),
    sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="sha256"),
)

#: The governing bodies' extranet: documents, and their versions' bytes.
extranet_documents = sa.Table(
    "extranet_documents",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    #: assembly | statutes | events
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("assembly_id", sa.ForeignKey("assemblies.id"), index=True),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("published_by", sa.Text, nullable=False),
    sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
    sa.Column("withdrawal_reason", sa.Text),
    sa.Column("withdrawn_by", sa.Text),
    sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
    sa.CheckConstraint("kind IN ('assembly', 'statutes', 'events')", name="kind"),
    sa.CheckConstraint("(kind = 'assembly') = (assembly_id IS NOT NULL)", name="assembly"),
    sa.Index("ix_extranet_documents_kind_title", "kind", "title"),
)

extranet_document_versions = sa.Table(
    "extranet_document_versions",
    metadata,
    sa.Column("document_id", sa.ForeignKey("extranet_documents.id"), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("media_type", sa.Text, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("uploaded_by", sa.Text, nullable=False),
    sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="sha256"),
    sa.CheckConstraint("size = octet_length(content)", name="size"),
)

#: Every download of an extranet document: who, for which structure, which version, when.
extranet_downloads = sa.Table(
    "extranet_downloads",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("document_id", sa.ForeignKey("extranet_documents.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("siren", sa.Text),
    sa.Column("downloaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_extranet_downloads_document", "document_id", "downloaded_at"),
    sa.Index("ix_extranet_downloads_siren", "siren", "downloaded_at"),
)

#: The open badges awarded; ``recipient`` is the SIREN of a structure or a person's e-mail.
badge_awards = sa.Table(
    "badge_awards",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    #: member_of_the_year | assembly_participation | training_completed
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("recipient", sa.Text, nullable=False),
    sa.Column("siren", sa.Text, nullable=False),
    sa.Column("structure_name", sa.Text),
    sa.Column("recipient_email", sa.Text),
    #: What it recognises: the year, the assembly's id, the enrollment's id.
    sa.Column("context", sa.Text, nullable=False),
    sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("awarded_by", sa.Text, nullable=False),
    sa.Column("status_index", sa.Integer, nullable=False, unique=True),
    sa.Column("activity_on", sa.Date),
    sa.Column("participation", sa.Text),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    #: withdrawn | membership_lapsed
    sa.Column("revocation_reason", sa.Text),
    sa.Column("revocation_note", sa.Text),
    sa.Column("revoked_by", sa.Text),
    sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
    sa.CheckConstraint(
        "kind IN ('member_of_the_year', 'assembly_participation', 'training_completed')",
        name="kind",
    ),
    sa.CheckConstraint("(revoked_at IS NULL) = (revocation_reason IS NULL)", name="revocation"),
    # M11: one badge of a kind a recipient and context, while it stands.
    sa.Index(
        "uq_badge_awards_active",
        "kind",
        "recipient",
        "context",
        unique=True,
        postgresql_where=sa.text("revoked_at IS NULL"),
    ),
    # One member of the year a year.
    sa.Index(
        "uq_badge_awards_member_of_the_year",
        "context",
        unique=True,
        postgresql_where=sa.text("kind = 'member_of_the_year' AND revoked_at IS NULL"),
    ),
    sa.Index("ix_badge_awards_siren", "siren"),
)

#: The badges' Bitstring Status List: one row a purpose (``revocation``), its size and its
#: ``encodedList`` as last changed (``updated_at`` is the published list's ``validFrom``).
badge_status_lists = sa.Table(
    "badge_status_lists",
    metadata,
    sa.Column("purpose", sa.Text, primary_key=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("encoded_list", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
    sa.CheckConstraint("size > 0 AND size % 8 = 0", name="size"),
)
