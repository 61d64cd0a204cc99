"""M11: the governing bodies' extranet — members only, versions, withdrawal, download log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from membership.governance.extranet import (
    Document,
    DocumentKind,
    Reader,
    UploadedFile,
    download,
    ensure_access,
    publish,
    replace_file,
    visible,
    withdraw,
)
from membership.governance.settings import GovernanceSettings
from shared.errors import Conflict, InvalidInput, NotFound, RuleViolated, TooLarge
from shared.projections.member_status import MembershipPeriod, status_on

SIREN = "123456782"
LAPSED_ON = date(2026, 2, 16)  # the renewal was not paid by 15 February (M4)
AT = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
PDF = UploadedFile("Statuts 2025.pdf", "application/pdf", b"%PDF-1.7 statuts v1")


def period(lapsed_on: date | None) -> MembershipPeriod:
    return MembershipPeriod(
        membership_id=UUID(int=3),
        siren=SIREN,
        year=2025,
        plan="premium",
        valid_from=date(2025, 3, 1),
        valid_until=date(2025, 12, 31),
        grace_until=date(2026, 2, 15),
        training_organisation=False,
        lapsed_on=lapsed_on,
        reinstated_until=None,
    )


def member_reader(day: date, lapsed_on: date | None = LAPSED_ON) -> Reader:
    return Reader.of_structure("user-42", status_on(SIREN, day, [period(lapsed_on)]))


def statutes(settings: GovernanceSettings) -> Document:
    return publish(
        id=UUID(int=10),
        kind=DocumentKind.STATUTES,
        title="Statuts de l'association",
        file=PDF,
        at=AT,
        by="staff-1",
        settings=settings,
    )


def test_m11_a_member_in_grace_reads_the_extranet_until_its_last_day() -> None:
    last_day = LAPSED_ON - timedelta(days=1)
    ensure_access(member_reader(last_day), last_day)
    ensure_access(member_reader(date(2025, 6, 1)), date(2025, 6, 1))


def test_m11_a_lapsed_member_is_refused_from_the_day_it_lapses() -> None:
    with pytest.raises(RuleViolated) as refused:
        ensure_access(member_reader(LAPSED_ON), LAPSED_ON)
    assert refused.value.code == "M11"
    assert refused.value.extra == {"siren": SIREN, "day": "2026-02-16"}


def test_m11_a_structure_never_member_is_refused_and_the_agency_always_reads() -> None:
    with pytest.raises(RuleViolated):
        ensure_access(Reader("user-7", "987654321", member=False), date(2026, 3, 1))
    ensure_access(Reader.agency("staff-1"), date(2026, 3, 1))


def test_m11_documents_have_three_kinds_and_assembly_ones_name_their_assembly(
    settings: GovernanceSettings,
) -> None:
    assert {k.value for k in DocumentKind} == {"assembly", "statutes", "events"}
    with pytest.raises(InvalidInput):
        publish(
            id=UUID(int=11),
            kind=DocumentKind.ASSEMBLY,
            title="Rapport moral",
            file=PDF,
            at=AT,
            by="staff-1",
            settings=settings,
        )
    report = publish(
        id=UUID(int=11),
        kind=DocumentKind.ASSEMBLY,
        title="Rapport moral",
        file=PDF,
        at=AT,
        by="staff-1",
        settings=settings,
        assembly_id=UUID(int=1),
    )
    assert report.assembly_id == UUID(int=1)
    assert report.current.number == 1


def test_m11_files_are_checked(settings: GovernanceSettings) -> None:
    document = statutes(settings)
    assert document.current.filename == "Statuts 2025.pdf"
    assert document.current.size == len(PDF.content)
    with pytest.raises(InvalidInput):
        replace_file(
            document,
            UploadedFile("x.exe", "application/x-msdownload", b"MZ"),
            at=AT,
            by="staff-1",
            settings=settings,
        )
    small = GovernanceSettings(extranet_max_file_bytes=10)
    with pytest.raises(TooLarge):
        replace_file(document, PDF, at=AT, by="staff-1", settings=small)
    renamed = replace_file(
        document,
        UploadedFile("../../etc/passwd;.pdf", "application/pdf", b"%PDF v2"),
        at=AT,
        by="staff-1",
        settings=settings,
    )
    assert renamed.current.filename == "passwd_.pdf"


def test_m11_replacing_a_document_adds_a_version(settings: GovernanceSettings) -> None:
    document = statutes(settings)
    v2 = UploadedFile("Statuts 2026.pdf", "application/pdf", b"%PDF-1.7 statuts v2")
    later = AT + timedelta(days=30)
    document = replace_file(document, v2, at=later, by="staff-2", settings=settings)
    assert [v.number for v in document.versions] == [1, 2]
    assert document.current.filename == "Statuts 2026.pdf"
    assert document.current.uploaded_by == "staff-2"
    with pytest.raises(Conflict):
        replace_file(document, v2, at=later, by="staff-2", settings=settings)


def test_m11_members_download_the_current_version_and_each_download_is_logged(
    settings: GovernanceSettings,
) -> None:
    v2 = UploadedFile("Statuts 2026.pdf", "application/pdf", b"%PDF-1.7 statuts v2")
    document = replace_file(statutes(settings), v2, at=AT, by="staff-1", settings=settings)
    reader = member_reader(AT.date())
    served, record = download(reader, document, at=AT)
    assert served.number == 2
    assert (record.document_id, record.version, record.subject, record.siren, record.at) == (
        UUID(int=10),
        2,
        "user-42",
        SIREN,
        AT,
    )
    assert record.sha256 == served.sha256
    with pytest.raises(NotFound):
        download(reader, document, at=AT, version=1)
    served, record = download(Reader.agency("staff-1"), document, at=AT, version=1)
    assert served.number == 1
    assert record.siren is None


def test_m11_a_lapsed_member_cannot_download(settings: GovernanceSettings) -> None:
    day = datetime(2026, 2, 16, 8, 0, tzinfo=UTC)
    with pytest.raises(RuleViolated):
        download(member_reader(day.date()), statutes(settings), at=day)


def test_m11_a_withdrawn_document_disappears_for_members_and_stays_for_staff(
    settings: GovernanceSettings,
) -> None:
    document = statutes(settings)
    events = publish(
        id=UUID(int=12),
        kind=DocumentKind.EVENTS,
        title="Rencontres régionales",
        file=UploadedFile("programme.png", "image/png", b"\x89PNG"),
        at=AT,
        by="staff-1",
        settings=settings,
    )
    gone = withdraw(document, at=AT, reason="Remplacés par les statuts adoptés en AG")
    assert gone.withdrawn
    reader = member_reader(AT.date())
    assert visible(reader, [gone, events], AT.date()) == [events]
    assert visible(Reader.agency("staff-1"), [gone, events], AT.date()) == [events, gone]
    with pytest.raises(NotFound):
        download(reader, gone, at=AT)
    assert download(Reader.agency("staff-1"), gone, at=AT)[0].number == 1
    with pytest.raises(Conflict):
        withdraw(gone, at=AT, reason="again")
    with pytest.raises(Conflict):
        replace_file(gone, PDF, at=AT, by="staff-1", settings=settings)
    with pytest.raises(RuleViolated):
        visible(member_reader(LAPSED_ON), [events], LAPSED_ON)
