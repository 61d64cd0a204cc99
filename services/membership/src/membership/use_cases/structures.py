"""Structures, their establishments and beneficiaries, Qualiopi (M1, M7, M9)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from membership.domain.identifiers import (
    department_of,
    ensure_eligible,
    ensure_establishment_of,
    parse_postal_code,
    parse_siren,
    parse_siret,
)
from membership.domain.public_bodies import ChorusReferences, changed_chorus, check_chorus
from membership.domain.qualiopi import check_certificate, parse_activity_declaration
from membership.records import EstablishmentRecord, EstablishmentRole, StructureRecord
from membership.use_cases.common import aggregate, structure_of
from membership.use_cases.ports import MembershipUoW
from shared.contracts import BeneficiaryAdded, BeneficiaryRemoved, QualiopiCertificationChanged
from shared.errors import Conflict, NotFound


@dataclass(frozen=True)
class Address:
    siret: str
    address_line: str
    postal_code: str
    city: str
    insee_code: str
    name: str | None = None


@dataclass(frozen=True)
class NewStructure:
    siren: str
    legal_name: str
    legal_form: str
    head_office: Address
    public_body: bool = False
    training_organisation: bool = False
    activity_declaration_number: str | None = None
    applying_establishment: Address | None = None
    email: str | None = None
    contact_name: str | None = None
    phone: str | None = None
    #: F8, a public body's Chorus Pro references and which of them it requires.
    chorus_service_code: str | None = None
    chorus_commitment_number: str | None = None
    chorus_service_code_required: bool = False
    chorus_commitment_required: bool = False


@dataclass(frozen=True)
class _CheckedAddress:
    siret: str
    postal_code: str
    insee_code: str


def _check_address(siren: str, address: Address) -> _CheckedAddress:
    siret = parse_siret(address.siret)
    ensure_establishment_of(siren, siret, rule="M1")
    return _CheckedAddress(
        siret, parse_postal_code(address.postal_code), address.insee_code.strip().upper()
    )


@dataclass(frozen=True)
class EstablishmentAddress:
    """A declared establishment's address; every part optional."""

    address_line: str | None = None
    postal_code: str | None = None
    city: str | None = None
    insee_code: str | None = None

    def checked(self) -> EstablishmentAddress:
        """Checked like the head office's (M1): a French postal code and an INSEE commune code,
        when given."""
        postal_code = None if self.postal_code is None else parse_postal_code(self.postal_code)
        insee_code = self.insee_code
        if insee_code is not None:
            insee_code = insee_code.strip().upper()
            department_of(insee_code)
        return replace(self, postal_code=postal_code, insee_code=insee_code)


async def register_structure(uow: MembershipUoW, cmd: NewStructure) -> StructureRecord:
    """M1: a structure of Nouvelle-Aquitaine, by SIREN, with its head office (and the applying
    establishment when it is not the head office)."""
    now = uow.clock.now()
    siren = parse_siren(cmd.siren)
    head_office = _check_address(siren, cmd.head_office)
    applicant = None
    if cmd.applying_establishment is not None:
        applicant = _check_address(siren, cmd.applying_establishment)
    ensure_eligible(head_office.insee_code, applicant.insee_code if applicant else None)
    nda = None
    if cmd.training_organisation:
        nda = parse_activity_declaration(cmd.activity_declaration_number)
    chorus = check_chorus(cmd.public_body, ChorusReferences.of(vars(cmd)))
    legal_name = cmd.legal_name.strip()
    structure = await uow.structures.add_structure(
        StructureRecord(
            siren=siren,
            legal_name=legal_name,
            legal_form=cmd.legal_form.strip(),
            public_body=cmd.public_body,
            training_organisation=cmd.training_organisation,
            activity_declaration_number=nda,
            head_office_siret=head_office.siret,
            address_line=cmd.head_office.address_line.strip(),
            postal_code=head_office.postal_code,
            city=cmd.head_office.city.strip(),
            insee_code=head_office.insee_code,
            email=cmd.email,
            contact_name=cmd.contact_name,
            phone=cmd.phone,
            created_at=now,
            **chorus.columns(),
        )
    )
    if structure is None:
        raise Conflict(f"Structure {siren} is already registered.")
    await uow.structures.add_establishment(
        EstablishmentRecord(
            siret=head_office.siret,
            siren=siren,
            name=cmd.head_office.name or legal_name,
            role=EstablishmentRole.HEAD_OFFICE,
            address_line=cmd.head_office.address_line,
            postal_code=head_office.postal_code,
            city=cmd.head_office.city,
            insee_code=head_office.insee_code,
            added_at=now,
        )
    )
    establishment = cmd.applying_establishment
    if establishment is not None and applicant is not None and applicant.siret != head_office.siret:
        await uow.structures.add_establishment(
            EstablishmentRecord(
                siret=applicant.siret,
                siren=siren,
                name=establishment.name or legal_name,
                role=EstablishmentRole.APPLICANT,
                address_line=establishment.address_line,
                postal_code=applicant.postal_code,
                city=establishment.city,
                insee_code=applicant.insee_code,
                added_at=now,
            )
        )
    return structure


@dataclass(frozen=True)
class StructureChanges:
    """Fields a structure may change; ``None`` leaves a field as it is."""

    legal_name: str | None = None
    legal_form: str | None = None
    public_body: bool | None = None
    email: str | None = None
    contact_name: str | None = None
    phone: str | None = None
    training_organisation: bool | None = None
    activity_declaration_number: str | None = None
    address_line: str | None = None
    postal_code: str | None = None
    city: str | None = None
    insee_code: str | None = None
    #: F8 (public bodies only); an empty reference removes it.
    chorus_service_code: str | None = None
    chorus_commitment_number: str | None = None
    chorus_service_code_required: bool | None = None
    chorus_commitment_required: bool | None = None


_HEAD_OFFICE_FIELDS = ("address_line", "postal_code", "city", "insee_code")


async def update_structure(uow: MembershipUoW, siren: str, changes: StructureChanges) -> None:
    """Contacts, legal details and the head office address; a move is checked against M1
    (with the applying establishment, if any), a training organisation keeps its NDA (M9), a
    public body its Chorus Pro references (F8), which a structure that is none loses.

    A structure that stops being a training organisation loses its NDA and its Qualiopi
    certificate (M9): the other services are told (``QualiopiCertificationChanged`` to none).
    """
    structure = await structure_of(uow, siren, lock=True)
    values = {k: v for k, v in vars(changes).items() if v is not None}
    if "postal_code" in values:
        values["postal_code"] = parse_postal_code(values["postal_code"])
    if "insee_code" in values:
        values["insee_code"] = values["insee_code"].strip().upper()
        applicants = [
            e
            for e in await uow.structures.establishments_of(siren)
            if e.role is EstablishmentRole.APPLICANT
        ]
        ensure_eligible(values["insee_code"], applicants[0].insee_code if applicants else None)
    training = values.get("training_organisation", structure.training_organisation)
    if training:
        values["activity_declaration_number"] = parse_activity_declaration(
            values.get("activity_declaration_number", structure.activity_declaration_number)
        )
    elif "training_organisation" in values:
        values["activity_declaration_number"] = None
    given_chorus = {k: v for k, v in values.items() if k.startswith("chorus_")}
    public_body = values.get("public_body", structure.public_body)
    values.update(
        changed_chorus(public_body, ChorusReferences.of(vars(structure)), given_chorus).columns()
    )
    certificate_dropped = not training and (
        structure.qualiopi_number is not None or structure.qualiopi_valid_until is not None
    )
    if certificate_dropped:
        values["qualiopi_number"] = None
        values["qualiopi_valid_until"] = None
    changed = replace(structure, **values)
    if changed == structure:
        return
    saved = await uow.structures.save_structure(changed)
    if certificate_dropped:
        uow.outbox.add(
            QualiopiCertificationChanged(
                siren=siren, certificate_number=None, valid_until=None, changed_at=uow.clock.now()
            ),
            aggregate(saved),
        )
    head_office_values = {k: values[k] for k in _HEAD_OFFICE_FIELDS if k in values}
    if head_office_values:
        head_office = await uow.structures.establishment(structure.head_office_siret)
        if head_office is not None:
            moved = replace(head_office, **head_office_values)
            if moved != head_office:
                await uow.structures.save_establishment(moved)


@dataclass(frozen=True)
class StructureView:
    structure: StructureRecord
    establishments: list[EstablishmentRecord]


async def structure_view(uow: MembershipUoW, siren: str) -> StructureView:
    structure = await structure_of(uow, siren)
    return StructureView(structure, await uow.structures.establishments_of(siren))


async def add_beneficiary(
    uow: MembershipUoW,
    siren: str,
    siret_raw: str,
    name: str,
    address: EstablishmentAddress | None = None,
) -> EstablishmentRecord:
    """M7: a secondary establishment sharing the member's SIREN, at no extra cost."""
    await structure_of(uow, siren, lock=True)
    siret = parse_siret(siret_raw)
    ensure_establishment_of(siren, siret)
    where = (address or EstablishmentAddress()).checked()
    given = {k: v for k, v in vars(where).items() if v is not None}
    now = uow.clock.now()
    existing = await uow.structures.establishment(siret)
    if existing is None:
        added = await uow.structures.add_establishment(
            EstablishmentRecord(
                siret=siret,
                siren=siren,
                name=name.strip(),
                role=EstablishmentRole.BENEFICIARY,
                added_at=now,
                **given,
            )
        )
    elif existing.removed_at is not None or existing.role is EstablishmentRole.APPLICANT:
        added = await uow.structures.save_establishment(
            replace(
                existing,
                name=name.strip(),
                role=EstablishmentRole.BENEFICIARY,
                removed_at=None,
                added_at=now,
                **given,
            )
        )
    elif existing.role is EstablishmentRole.HEAD_OFFICE:
        raise Conflict(f"{siret} is the head office: it is the member itself.", rule="M7")
    else:
        raise Conflict(f"{siret} is already a declared beneficiary.", rule="M7")
    uow.outbox.add(
        BeneficiaryAdded(siren=siren, siret=siret, name=added.name, added_at=now),
        aggregate(added),
    )
    return added


async def remove_beneficiary(uow: MembershipUoW, siren: str, siret_raw: str) -> None:
    await structure_of(uow, siren, lock=True)
    siret = parse_siret(siret_raw)
    existing = await uow.structures.establishment(siret)
    if (
        existing is None
        or existing.siren != siren
        or existing.role is not EstablishmentRole.BENEFICIARY
        or existing.removed_at is not None
    ):
        raise NotFound("Beneficiary", siret)
    now = uow.clock.now()
    removed = await uow.structures.save_establishment(replace(existing, removed_at=now))
    uow.outbox.add(BeneficiaryRemoved(siren=siren, siret=siret, removed_at=now), aggregate(removed))


async def set_qualiopi(
    uow: MembershipUoW, siren: str, number: str | None, valid_until: date | None
) -> None:
    """M9: record or update a training organisation's certificate; with ``None``, remove the
    certificate (whoever holds it: removing one is never refused)."""
    structure = await structure_of(uow, siren, lock=True)
    if number is not None and valid_until is not None:
        number = check_certificate(
            training_organisation=structure.training_organisation,
            number=number,
            valid_until=valid_until,
            today=uow.clock.today(),
        )
    changed = replace(structure, qualiopi_number=number, qualiopi_valid_until=valid_until)
    if changed == structure:
        return
    saved = await uow.structures.save_structure(changed)
    uow.outbox.add(
        QualiopiCertificationChanged(
            siren=siren,
            certificate_number=number,
            valid_until=valid_until,
            changed_at=uow.clock.now(),
        ),
        aggregate(saved),
    )
