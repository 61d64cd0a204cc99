"""The events the M11 use cases publish, built from what the pure decisions returned."""

from __future__ import annotations

from datetime import datetime

from membership.governance.assembly import Assembly, AssemblyState
from membership.governance.badges import Award, PersonRecipient
from membership.governance.credentials import credential_id
from membership.governance.electorate import Electorate
from membership.governance.exports import AssemblyRecords
from shared.contracts.governance import (
    AssemblyClosed,
    AssemblyConvened,
    AssemblyOpened,
    AssemblyParticipant,
    BadgeAwarded,
    BadgeRevoked,
    ConvenedStructure,
)


def assembly_convened(assembly: Assembly, electorate: Electorate, at: datetime) -> AssemblyConvened:
    """Every structure eligible on the day as known when convening, with its contact."""
    return AssemblyConvened(
        assembly_id=assembly.id,
        title=assembly.title,
        held_on=assembly.held_on,
        starts_at=assembly.starts_at,
        address=assembly.venue.address,
        remote_link=assembly.venue.link,
        agenda=list(assembly.agenda),
        document_ids=list(assembly.documents),
        second_convocation=assembly.second_convocation,
        convened=[
            ConvenedStructure(siren=v.siren, legal_name=v.name, email=v.email)
            for v in electorate.eligible
        ],
        convened_at=at,
    )


def assembly_opened(assembly: Assembly) -> AssemblyOpened:
    if assembly.quorum is None or assembly.opened_at is None:
        raise ValueError("the assembly has not opened")
    quorum = assembly.quorum
    return AssemblyOpened(
        assembly_id=assembly.id,
        held_on=assembly.held_on,
        eligible=quorum.eligible,
        present=quorum.present,
        represented=quorum.represented,
        quorum_required=quorum.required,
        quorum_reached=quorum.reached,
        second_convocation=assembly.second_convocation,
        opened_at=assembly.opened_at,
    )


def assembly_closed(assembly: Assembly, records: AssemblyRecords) -> AssemblyClosed:
    if assembly.state is not AssemblyState.CLOSED or assembly.closed_at is None:
        raise ValueError("the assembly is not closed")
    return AssemblyClosed(
        assembly_id=assembly.id,
        held_on=assembly.held_on,
        participants=[
            AssemblyParticipant(
                siren=p.siren,
                legal_name=p.structure_name,
                participation=p.how,
                proxy_holder_siren=p.through,
            )
            for p in assembly.participants()
        ],
        attendance_csv_sha256=records.attendance_csv.sha256,
        attendance_pdf_sha256=records.attendance_pdf.sha256,
        proxies_csv_sha256=records.proxies_csv.sha256,
        proxies_pdf_sha256=records.proxies_pdf.sha256,
        closed_at=assembly.closed_at,
    )


def badge_awarded(award: Award) -> BadgeAwarded:
    recipient = award.recipient
    return BadgeAwarded(
        award_id=award.id,
        badge=award.kind.value,
        siren=recipient.siren,
        recipient_email=recipient.email if isinstance(recipient, PersonRecipient) else None,
        recognises=award.context,
        credential_id=credential_id(award),
        awarded_at=award.awarded_at,
    )


def badge_revoked(award: Award) -> BadgeRevoked:
    if award.revoked_at is None or award.revocation_reason is None:
        raise ValueError(f"award {award.id} is not revoked")
    return BadgeRevoked(
        award_id=award.id,
        badge=award.kind.value,
        siren=award.siren,
        reason=award.revocation_reason.value,
        revoked_at=award.revoked_at,
    )
