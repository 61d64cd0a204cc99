"""Governance (M11): the General Assembly, the extranet, the open badges; and a public body's
Chorus Pro references (F8).

- ``assemblies`` (with ``version``: ``AssemblyConvened``/``Opened``/``Closed`` name it), their
  answers, proxies (one active proxy a giver and assembly: a partial unique index), signatures,
  and the frozen records of a closed assembly (CSV and PDF bytes with their SHA-256), which a
  trigger keeps insert-only;
- the extranet's documents, their versions (bytes and SHA-256) and the download log;
- the badges awarded (one active badge a recipient, kind and context; one member of the year a
  year) and the badges' status list;
- on ``structures``, the Chorus Pro service code and commitment number of a public body and
  whether it requires each (F8).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)
_SHA256 = "sha256 ~ '^[0-9a-f]{64}$'"
#: CHECK constraints are named after what they check; the naming convention adds
#: ``ck_<table>_``, as for the tables' declarations.


def _representative() -> list[sa.Column]:
    return [
        sa.Column("structure_name", sa.Text, nullable=False),
        sa.Column("representative_name", sa.Text, nullable=False),
        sa.Column("representative_email", sa.Text),
        sa.Column("representative_position", sa.Text),
    ]


def upgrade() -> None:
    op.add_column("structures", sa.Column("chorus_service_code", sa.Text))
    op.add_column("structures", sa.Column("chorus_commitment_number", sa.Text))
    for flag in ("chorus_service_code_required", "chorus_commitment_required"):
        op.add_column(
            "structures", sa.Column(flag, sa.Boolean, nullable=False, server_default=sa.false())
        )

    op.create_table(
        "assemblies",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("starts_at", sa.Time, nullable=False),
        sa.Column("address", sa.Text),
        sa.Column("remote_link", sa.Text),
        sa.Column("agenda", sa.ARRAY(sa.Text), nullable=False),
        sa.Column("document_ids", sa.ARRAY(sa.Uuid), nullable=False),
        sa.Column("second_convocation", sa.Boolean, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("convened_on", sa.Date, nullable=False),
        sa.Column("convened_at", _TIMESTAMP, nullable=False),
        sa.Column("convened_by", sa.Text, nullable=False),
        sa.Column("quorum_eligible", sa.Integer),
        sa.Column("quorum_present", sa.Integer),
        sa.Column("quorum_represented", sa.Integer),
        sa.Column("quorum_share", sa.Numeric(5, 4)),
        sa.Column("opened_at", _TIMESTAMP),
        sa.Column("opened_by", sa.Text),
        sa.Column("closed_at", _TIMESTAMP),
        sa.Column("closed_by", sa.Text),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
        sa.CheckConstraint("state IN ('convened', 'open', 'closed')", name="state"),
    )
    op.create_index("ix_assemblies_held_on", "assemblies", ["held_on"])

    op.create_table(
        "assembly_attendances",
        sa.Column("assembly_id", sa.Uuid, sa.ForeignKey("assemblies.id"), primary_key=True),
        sa.Column("siren", sa.Text, primary_key=True),
        *_representative(),
        sa.Column("answered_at", _TIMESTAMP, nullable=False),
        sa.Column("answered_by", sa.Text, nullable=False),
    )
    op.create_table(
        "assembly_proxies",
        sa.Column("assembly_id", sa.Uuid, sa.ForeignKey("assemblies.id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("giver", sa.Text, nullable=False),
        sa.Column("giver_name", sa.Text, nullable=False),
        sa.Column("holder", sa.Text, nullable=False),
        sa.Column("holder_name", sa.Text, nullable=False),
        sa.Column("given_at", _TIMESTAMP, nullable=False),
        sa.Column("given_by", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("ended_at", _TIMESTAMP),
    )
    op.create_index(
        "uq_assembly_proxies_active_giver",
        "assembly_proxies",
        ["assembly_id", "giver"],
        unique=True,
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_index(
        "ix_assembly_proxies_active_holder",
        "assembly_proxies",
        ["assembly_id", "holder"],
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_table(
        "assembly_signatures",
        sa.Column("assembly_id", sa.Uuid, sa.ForeignKey("assemblies.id"), primary_key=True),
        sa.Column("siren", sa.Text, primary_key=True),
        *_representative(),
        sa.Column("signed_at", _TIMESTAMP, nullable=False),
        sa.Column("signed_by", sa.Text, nullable=False),
    )
    op.create_table(
        "assembly_records",
        sa.Column("assembly_id", sa.Uuid, sa.ForeignKey("assemblies.id"), primary_key=True),
        sa.Column("record", sa.Text, primary_key=True),
        sa.Column("format", sa.Text, primary_key=True),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("media_type", sa.Text, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("frozen_at", _TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "record IN ('attendance', 'proxies')", name="record"
        ),
        sa.CheckConstraint("format IN ('csv', 'pdf')", name="format"),
        sa.CheckConstraint(_SHA256, name="sha256"),
    )
    # Frozen: a record once written is never changed nor removed.
    op.execute(
        "CREATE FUNCTION assembly_records_frozen() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'the records of a closed assembly are frozen' "
        "USING ERRCODE = 'integrity_constraint_violation'; END $$"
    )
    op.execute(
        "CREATE TRIGGER assembly_records_insert_only BEFORE UPDATE OR DELETE ON assembly_records "
        "FOR EACH ROW EXECUTE FUNCTION assembly_records_frozen()"
    )
    op.execute(
        "CREATE TRIGGER assembly_records_no_truncate BEFORE TRUNCATE ON assembly_records "
        "FOR EACH STATEMENT EXECUTE FUNCTION assembly_records_frozen()"
    )

    op.create_table(
        "extranet_documents",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("assembly_id", sa.Uuid, sa.ForeignKey("assemblies.id")),
        sa.Column("published_at", _TIMESTAMP, nullable=False),
        sa.Column("published_by", sa.Text, nullable=False),
        sa.Column("withdrawn_at", _TIMESTAMP),
        sa.Column("withdrawal_reason", sa.Text),
        sa.Column("withdrawn_by", sa.Text),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
        sa.CheckConstraint(
            "kind IN ('assembly', 'statutes', 'events')", name="kind"
        ),
        sa.CheckConstraint(
            "(kind = 'assembly') = (assembly_id IS NOT NULL)",
            name="assembly",
        ),
    )
    op.create_index(
        "ix_extranet_documents_assembly_id", "extranet_documents", ["assembly_id"]
    )
    op.create_index(
        "ix_extranet_documents_kind_title", "extranet_documents", ["kind", "title"]
    )
    op.create_table(
        "extranet_document_versions",
        sa.Column(
            "document_id", sa.Uuid, sa.ForeignKey("extranet_documents.id"), primary_key=True
        ),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("media_type", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("uploaded_at", _TIMESTAMP, nullable=False),
        sa.Column("uploaded_by", sa.Text, nullable=False),
        sa.CheckConstraint(_SHA256, name="sha256"),
        sa.CheckConstraint(
            "size = octet_length(content)", name="size"
        ),
    )
    op.create_table(
        "extranet_downloads",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column(
            "document_id", sa.Uuid, sa.ForeignKey("extranet_documents.id"), nullable=False
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("siren", sa.Text),
        sa.Column("downloaded_at", _TIMESTAMP, nullable=False),
    )
    op.create_index(
        "ix_extranet_downloads_document", "extranet_downloads", ["document_id", "downloaded_at"]
    )
    op.create_index(
        "ix_extranet_downloads_siren", "extranet_downloads", ["siren", "downloaded_at"]
    )

    op.create_table(
        "badge_awards",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("recipient", sa.Text, nullable=False),
        sa.Column("siren", sa.Text, nullable=False),
        sa.Column("structure_name", sa.Text),
        sa.Column("recipient_email", sa.Text),
        sa.Column("context", sa.Text, nullable=False),
        sa.Column("awarded_at", _TIMESTAMP, nullable=False),
        sa.Column("awarded_by", sa.Text, nullable=False),
        sa.Column("status_index", sa.Integer, nullable=False),
        sa.Column("activity_on", sa.Date),
        sa.Column("participation", sa.Text),
        sa.Column("revoked_at", _TIMESTAMP),
        sa.Column("revocation_reason", sa.Text),
        sa.Column("revocation_note", sa.Text),
        sa.Column("revoked_by", sa.Text),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
        sa.UniqueConstraint("status_index", name="uq_badge_awards_status_index"),
        sa.CheckConstraint(
            "kind IN ('member_of_the_year', 'assembly_participation', 'training_completed')",
            name="kind",
        ),
        sa.CheckConstraint(
            "(revoked_at IS NULL) = (revocation_reason IS NULL)",
            name="revocation",
        ),
    )
    op.create_index(
        "uq_badge_awards_active",
        "badge_awards",
        ["kind", "recipient", "context"],
        unique=True,
        postgresql_where=sa.text("revoked_at IS NULL"),
    )
    op.create_index(
        "uq_badge_awards_member_of_the_year",
        "badge_awards",
        ["context"],
        unique=True,
        postgresql_where=sa.text("kind = 'member_of_the_year' AND revoked_at IS NULL"),
    )
    op.create_index("ix_badge_awards_siren", "badge_awards", ["siren"])
    op.create_table(
        "badge_status_lists",
        sa.Column("purpose", sa.Text, primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("encoded_list", sa.Text, nullable=False),
        sa.Column("updated_at", _TIMESTAMP, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
        sa.CheckConstraint("size > 0 AND size % 8 = 0", name="size"),
    )


def downgrade() -> None:
    op.drop_table("badge_status_lists")
    op.drop_table("badge_awards")
    op.drop_table("extranet_downloads")
    op.drop_table("extranet_document_versions")
    op.drop_table("extranet_documents")
    op.drop_table("assembly_records")
    op.execute("DROP FUNCTION assembly_records_frozen()")
    op.drop_table("assembly_signatures")
    op.drop_table("assembly_proxies")
    op.drop_table("assembly_attendances")
    op.drop_table("assemblies")
    for column in (
        "chorus_commitment_required",
        "chorus_service_code_required",
        "chorus_commitment_number",
        "chorus_service_code",
    ):
        op.drop_column("structures", column)
