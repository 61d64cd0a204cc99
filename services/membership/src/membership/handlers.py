"""Use cases: a command or a consumed event, the rules, one unit of work.

Every change and the events it causes commit together (the outbox); nothing is published here.
Handlers of consumed events are idempotent in effect beyond the inbox: each checks the state it
would change (an active membership stays as it is, a withdrawn one is not activated).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from membership.domain.applications import (
    ApplicationStatus,
    Kind,
    Texts,
    check_application_year,
    check_decidable,
    check_no_duplicate,
    check_reason,
    check_texts,
    kind_for,
)
from membership.domain.campaign import calls_to_make, check_campaign_year
from membership.domain.errors import ConflictError, DomainError, NotFoundError
from membership.domain.identifiers import (
    department_of,
    ensure_eligible,
    ensure_establishment_of,
    parse_postal_code,
    parse_siren,
    parse_siret,
)
from membership.domain.plans import Plan, Tariff, check_upgrade, check_year, parse_plan
from membership.domain.qualiopi import check_certificate, parse_activity_declaration
from membership.domain.rights import Rights, rights_for
from membership.domain.validity import (
    MembershipFacts,
    MembershipState,
    StatusAt,
    activation_refusal,
    activation_start,
    grace_until,
    lapse_due,
    lapse_on_withdrawal,
    restored_by_renewal,
    status_at,
    valid_until,
)
from membership.repository import MembershipRepository, Row
from membership.unit_of_work import MembershipUnitOfWork
from shared.contracts import (
    BeneficiaryAdded,
    BeneficiaryRemoved,
    CreditNoteIssued,
    CustomerDetails,
    InvoicePaid,
    MembershipActivated,
    MembershipApplicationSubmitted,
    MembershipApproved,
    MembershipLapsed,
    MembershipReinstated,
    MembershipRejected,
    MembershipRenewalRequested,
    PlanUpgradeRequested,
    QualiopiCertificationChanged,
)

log = logging.getLogger(__name__)

MEMBERSHIP_KINDS = ("membership_new", "membership_renewal")


# -- reading rows as rule objects ------------------------------------------------------------


def facts(row: Row, prefix: str = "") -> MembershipFacts:
    """The membership of ``row`` (its columns named ``{prefix}{column}``)."""
    return MembershipFacts(
        year=row[f"{prefix}year"],
        plan=Plan(row[f"{prefix}plan"]),
        kind=Kind(row[f"{prefix}kind"]),
        state=MembershipState(row[f"{prefix}state"]),
        submitted_on=row[f"{prefix}submitted_on"],
        valid_from=row[f"{prefix}valid_from"],
        premium_from=row[f"{prefix}premium_from"],
        lapse_reason=row[f"{prefix}lapse_reason"],
        key=str(row[f"{prefix}id"]),
    )


def customer(structure: Row) -> CustomerDetails:
    """The main structure as billing addresses it (F1, F3)."""
    return CustomerDetails(
        siren=structure["siren"],
        siret=structure["head_office_siret"],
        legal_name=structure["legal_name"],
        address_line=structure["address_line"],
        postal_code=structure["postal_code"],
        city=structure["city"],
        insee_code=structure["insee_code"],
        public_body=structure["public_body"],
        email=structure["email"],
    )


def tariff_of(row: Row | None, year: int) -> Tariff:
    if row is None:
        raise DomainError("M2", f"No tariff is set for {year}: staff must set it first.")
    return Tariff(year=year, simple=row["simple"], premium=row["premium"], upgrade=row["upgrade"])


async def _structure(repo: MembershipRepository, siren: str, *, lock: bool = False) -> Row:
    row = await repo.structure(siren, for_update=lock)
    if row is None:
        raise NotFoundError("Structure", siren)
    return row


# -- structures, establishments, Qualiopi (M1, M7, M9) ---------------------------------------


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


def _check_address(siren: str, address: Address) -> tuple[str, str, str]:
    siret = parse_siret(address.siret)
    ensure_establishment_of(siren, siret, rule="M1")
    return siret, parse_postal_code(address.postal_code), address.insee_code.strip().upper()


def _check_establishment_address(address: dict[str, Any] | None) -> dict[str, Any]:
    """A declared establishment's address, checked like the head office's (M1): a French
    postal code and an INSEE commune code, when given."""
    values = {
        k: v
        for k, v in (address or {}).items()
        if k in ("address_line", "postal_code", "city", "insee_code") and v is not None
    }
    if "postal_code" in values:
        values["postal_code"] = parse_postal_code(values["postal_code"])
    if "insee_code" in values:
        values["insee_code"] = values["insee_code"].strip().upper()
        department_of(values["insee_code"])
    return values


async def register_structure(uow: MembershipUnitOfWork, cmd: NewStructure, now: datetime) -> str:
    """M1: a structure of Nouvelle-Aquitaine, by SIREN, with its head office (and the applying
    establishment when it is not the head office)."""
    siren = parse_siren(cmd.siren)
    ho_siret, ho_postal, ho_insee = _check_address(siren, cmd.head_office)
    applicant = None
    if cmd.applying_establishment is not None:
        applicant = _check_address(siren, cmd.applying_establishment)
    ensure_eligible(ho_insee, applicant[2] if applicant else None)
    nda = None
    if cmd.training_organisation:
        nda = parse_activity_declaration(cmd.activity_declaration_number)
    added = await uow.repo.add_structure(
        {
            "siren": siren,
            "legal_name": cmd.legal_name.strip(),
            "legal_form": cmd.legal_form.strip(),
            "public_body": cmd.public_body,
            "training_organisation": cmd.training_organisation,
            "activity_declaration_number": nda,
            "head_office_siret": ho_siret,
            "address_line": cmd.head_office.address_line.strip(),
            "postal_code": ho_postal,
            "city": cmd.head_office.city.strip(),
            "insee_code": ho_insee,
            "email": cmd.email,
            "contact_name": cmd.contact_name,
            "phone": cmd.phone,
            "created_at": now,
        }
    )
    if not added:
        raise ConflictError("conflict", f"Structure {siren} is already registered.")
    await uow.repo.add_establishment(
        {
            "siret": ho_siret,
            "siren": siren,
            "name": cmd.head_office.name or cmd.legal_name.strip(),
            "role": "head_office",
            "address_line": cmd.head_office.address_line,
            "postal_code": ho_postal,
            "city": cmd.head_office.city,
            "insee_code": ho_insee,
            "added_at": now,
        }
    )
    est = cmd.applying_establishment
    if est is not None and applicant is not None and applicant[0] != ho_siret:
        await uow.repo.add_establishment(
            {
                "siret": applicant[0],
                "siren": siren,
                "name": est.name or cmd.legal_name.strip(),
                "role": "applicant",
                "address_line": est.address_line,
                "postal_code": applicant[1],
                "city": est.city,
                "insee_code": applicant[2],
                "added_at": now,
            }
        )
    await uow.commit()
    return siren


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


async def update_structure(
    uow: MembershipUnitOfWork, siren: str, changes: StructureChanges, now: datetime
) -> None:
    """Contacts, legal details and the head office address; a move is checked against M1
    (with the applying establishment, if any), a training organisation keeps its NDA (M9).

    A structure that stops being a training organisation loses its NDA and its Qualiopi
    certificate (M9): the other services are told (``QualiopiCertificationChanged`` to none).
    """
    structure = await _structure(uow.repo, siren, lock=True)
    values = {k: v for k, v in vars(changes).items() if v is not None}
    if "postal_code" in values:
        values["postal_code"] = parse_postal_code(values["postal_code"])
    if "insee_code" in values:
        values["insee_code"] = values["insee_code"].strip().upper()
        applicant = [e for e in await uow.repo.establishments_of(siren) if e["role"] == "applicant"]
        ensure_eligible(values["insee_code"], applicant[0]["insee_code"] if applicant else None)
    training = values.get("training_organisation", structure["training_organisation"])
    if training:
        values["activity_declaration_number"] = parse_activity_declaration(
            values.get("activity_declaration_number", structure["activity_declaration_number"])
        )
    elif "training_organisation" in values:
        values["activity_declaration_number"] = None
    certificate_dropped = not training and (
        structure["qualiopi_number"] is not None or structure["qualiopi_valid_until"] is not None
    )
    if certificate_dropped:
        values["qualiopi_number"] = None
        values["qualiopi_valid_until"] = None
    if not values:
        return
    version = await uow.repo.update_structure(siren, values)
    if certificate_dropped:
        uow.outbox.add(
            QualiopiCertificationChanged(
                siren=siren, certificate_number=None, valid_until=None, changed_at=now
            ),
            aggregate_id=siren,
            aggregate_version=version,
            occurred_at=now,
        )
    head_office: dict[str, Any] = {
        k: values[k] for k in ("address_line", "postal_code", "city", "insee_code") if k in values
    }
    if head_office:
        await uow.repo.update_establishment(structure["head_office_siret"], head_office)
    await uow.commit()


@dataclass(frozen=True)
class StructureView:
    structure: Row
    establishments: Sequence[Row]


async def structure_view(uow: MembershipUnitOfWork, siren: str) -> StructureView:
    structure = await _structure(uow.repo, siren)
    return StructureView(structure, await uow.repo.establishments_of(siren))


async def add_beneficiary(
    uow: MembershipUnitOfWork,
    siren: str,
    siret_raw: str,
    name: str,
    now: datetime,
    address: dict[str, Any] | None = None,
) -> str:
    """M7: a secondary establishment sharing the member's SIREN, at no extra cost."""
    await _structure(uow.repo, siren, lock=True)
    siret = parse_siret(siret_raw)
    ensure_establishment_of(siren, siret)
    values: dict[str, Any] = {
        "name": name.strip(),
        "role": "beneficiary",
        **_check_establishment_address(address),
    }
    existing = await uow.repo.establishment(siret)
    if existing is None:
        await uow.repo.add_establishment(
            {"siret": siret, "siren": siren, "added_at": now, **values}
        )
    elif existing["removed_at"] is not None or existing["role"] == "applicant":
        await uow.repo.update_establishment(siret, {**values, "removed_at": None, "added_at": now})
    elif existing["role"] == "head_office":
        raise ConflictError("M7", f"{siret} is the head office: it is the member itself.")
    else:
        raise ConflictError("M7", f"{siret} is already a declared beneficiary.")
    version = await uow.repo.update_structure(siren, {})
    uow.outbox.add(
        BeneficiaryAdded(siren=siren, siret=siret, name=values["name"], added_at=now),
        aggregate_id=siren,
        aggregate_version=version,
        occurred_at=now,
    )
    await uow.commit()
    return siret


async def remove_beneficiary(
    uow: MembershipUnitOfWork, siren: str, siret_raw: str, now: datetime
) -> None:
    await _structure(uow.repo, siren, lock=True)
    siret = parse_siret(siret_raw)
    existing = await uow.repo.establishment(siret)
    if (
        existing is None
        or existing["siren"] != siren
        or existing["role"] != "beneficiary"
        or existing["removed_at"] is not None
    ):
        raise NotFoundError("Beneficiary", siret)
    await uow.repo.update_establishment(siret, {"removed_at": now})
    version = await uow.repo.update_structure(siren, {})
    uow.outbox.add(
        BeneficiaryRemoved(siren=siren, siret=siret, removed_at=now),
        aggregate_id=siren,
        aggregate_version=version,
        occurred_at=now,
    )
    await uow.commit()


async def set_qualiopi(
    uow: MembershipUnitOfWork,
    siren: str,
    number: str | None,
    valid_until_on: date | None,
    now: datetime,
) -> None:
    """M9: record or update a training organisation's certificate; with ``None``, remove the
    certificate (whoever holds it: removing one is never refused)."""
    structure = await _structure(uow.repo, siren, lock=True)
    if number is not None and valid_until_on is not None:
        number = check_certificate(
            training_organisation=structure["training_organisation"],
            number=number,
            valid_until=valid_until_on,
            today=now.date(),
        )
    if (structure["qualiopi_number"], structure["qualiopi_valid_until"]) == (
        number,
        valid_until_on,
    ):
        return
    version = await uow.repo.update_structure(
        siren, {"qualiopi_number": number, "qualiopi_valid_until": valid_until_on}
    )
    uow.outbox.add(
        QualiopiCertificationChanged(
            siren=siren, certificate_number=number, valid_until=valid_until_on, changed_at=now
        ),
        aggregate_id=siren,
        aggregate_version=version,
        occurred_at=now,
    )
    await uow.commit()


# -- applications (M5, M6) -------------------------------------------------------------------


@dataclass(frozen=True)
class Application:
    siren: str
    year: int
    plan: str
    texts: Texts
    submitted_by: str


async def apply(uow: MembershipUnitOfWork, cmd: Application, now: datetime) -> UUID:
    """New membership or renewal, decided from the structure's own history (M5, M6).

    A renewal is processed at once: its membership awaits payment and billing is asked for the
    dues invoice (``MembershipRenewalRequested``); a new one waits for the board.
    """
    today = now.date()
    plan = parse_plan(cmd.plan)
    check_year(cmd.year, "M3")
    repo = uow.repo
    structure = await _structure(repo, cmd.siren, lock=True)  # serialises a structure's applies
    check_application_year(cmd.year, today, await repo.campaign_years())
    statuses = [ApplicationStatus(s) for s in await repo.application_statuses(cmd.siren, cmd.year)]
    check_no_duplicate(cmd.year, statuses)
    kind = kind_for(cmd.year, await repo.paid_years(cmd.siren))
    if kind is Kind.NEW:
        check_texts(cmd.texts)
    tariff = tariff_of(await repo.tariff(cmd.year), cmd.year)
    application_id = uuid.uuid4()
    membership_id = uuid.uuid4() if kind is Kind.RENEWAL else None
    await repo.add_application(
        {
            "id": application_id,
            "siren": cmd.siren,
            "year": cmd.year,
            "plan": plan.value,
            "kind": kind.value,
            "status": (
                ApplicationStatus.PENDING_REVIEW
                if kind is Kind.NEW
                else ApplicationStatus.PROCESSED
            ).value,
            "structure_text": cmd.texts.structure,
            "activity_text": cmd.texts.activity,
            "motivations_text": cmd.texts.motivations,
            "submitted_at": now,
            "submitted_by": cmd.submitted_by,
            "decided_at": now if kind is Kind.RENEWAL else None,
            "membership_id": membership_id,
        }
    )
    uow.outbox.add(
        MembershipApplicationSubmitted(
            application_id=application_id,
            siren=cmd.siren,
            year=cmd.year,
            plan=plan.value,
            kind=kind.value,
            submitted_at=now,
        ),
        aggregate_id=str(application_id),
        aggregate_version=1,
        occurred_at=now,
    )
    if membership_id is not None:
        amount = tariff.dues(plan)
        await _open_membership(
            repo, membership_id, application_id, cmd.siren, cmd.year, plan, kind, amount, now
        )
        uow.outbox.add(
            MembershipRenewalRequested(
                membership_id=membership_id,
                application_id=application_id,
                siren=cmd.siren,
                year=cmd.year,
                plan=plan.value,
                amount=amount,
                customer=customer(structure),
                requested_at=now,
            ),
            aggregate_id=str(membership_id),
            aggregate_version=1,
            occurred_at=now,
        )
        previous = await repo.membership_of(cmd.siren, cmd.year - 1, for_update=True)
        if previous is not None and restored_by_renewal(facts(previous), today):
            version = await repo.update_membership(
                previous["id"],
                {
                    "state": MembershipState.ACTIVE.value,
                    "lapsed_on": None,
                    "lapse_reason": None,
                },
            )
            uow.outbox.add(
                MembershipReinstated(
                    membership_id=previous["id"],
                    siren=cmd.siren,
                    year=previous["year"],
                    plan=previous["plan"],
                    grace_until=grace_until(previous["year"]),
                    renewal_membership_id=membership_id,
                    reinstated_at=now,
                ),
                aggregate_id=str(previous["id"]),
                aggregate_version=version,
                occurred_at=now,
            )
    await uow.commit()
    return application_id


async def _open_membership(
    repo: MembershipRepository,
    membership_id: UUID,
    application_id: UUID,
    siren: str,
    year: int,
    plan: Plan,
    kind: Kind,
    amount: Decimal,
    now: datetime,
) -> None:
    await repo.add_membership(
        {
            "id": membership_id,
            "siren": siren,
            "year": year,
            "plan": plan.value,
            "kind": kind.value,
            "state": MembershipState.AWAITING_PAYMENT.value,
            "application_id": application_id,
            "amount": amount,
            "submitted_on": now.date(),
            "created_at": now,
        }
    )


async def _application(repo: MembershipRepository, application_id: UUID) -> Row:
    row = await repo.application(application_id, for_update=True)
    if row is None:
        raise NotFoundError("Application", application_id)
    return row


async def approve(
    uow: MembershipUnitOfWork, application_id: UUID, board_member: str, now: datetime
) -> UUID:
    """M5: the board approves; billing is asked for the dues invoice (``MembershipApproved``)."""
    repo = uow.repo
    app = await _application(repo, application_id)
    check_decidable(ApplicationStatus(app["status"]), Kind(app["kind"]))
    structure = await _structure(repo, app["siren"])
    plan = Plan(app["plan"])
    amount = tariff_of(await repo.tariff(app["year"]), app["year"]).dues(plan)
    membership_id = uuid.uuid4()
    await _open_membership(
        repo,
        membership_id,
        application_id,
        app["siren"],
        app["year"],
        plan,
        Kind.NEW,
        amount,
        now,
    )
    await repo.update_application(
        application_id,
        {
            "status": ApplicationStatus.APPROVED.value,
            "decided_at": now,
            "decided_by": board_member,
            "membership_id": membership_id,
        },
    )
    uow.outbox.add(
        MembershipApproved(
            membership_id=membership_id,
            application_id=application_id,
            siren=app["siren"],
            year=app["year"],
            plan=plan.value,
            amount=amount,
            customer=customer(structure),
            approved_at=now,
        ),
        aggregate_id=str(membership_id),
        aggregate_version=1,
        occurred_at=now,
    )
    await uow.commit()
    return membership_id


async def reject(
    uow: MembershipUnitOfWork,
    application_id: UUID,
    reason: str,
    board_member: str,
    now: datetime,
) -> None:
    """M5: the board rejects, saying why; the applicant reads the reason on its application."""
    repo = uow.repo
    app = await _application(repo, application_id)
    check_decidable(ApplicationStatus(app["status"]), Kind(app["kind"]))
    reason = check_reason(reason)
    await repo.update_application(
        application_id,
        {
            "status": ApplicationStatus.REJECTED.value,
            "decided_at": now,
            "decided_by": board_member,
            "rejection_reason": reason,
        },
    )
    uow.outbox.add(
        MembershipRejected(
            application_id=application_id,
            siren=app["siren"],
            year=app["year"],
            reason=reason,
            rejected_at=now,
        ),
        aggregate_id=str(application_id),
        aggregate_version=2,
        occurred_at=now,
    )
    await uow.commit()


# -- plan upgrade (M10) ----------------------------------------------------------------------


async def request_upgrade(
    uow: MembershipUnitOfWork, siren: str, target_raw: str, now: datetime
) -> tuple[UUID, Decimal]:
    target = parse_plan(target_raw)
    repo = uow.repo
    structure = await _structure(repo, siren, lock=True)
    year = now.year
    membership = await repo.membership_of(siren, year, for_update=True)
    if membership is None or membership["state"] == MembershipState.WITHDRAWN.value:
        raise DomainError("M10", f"Structure {siren} has no membership for {year} to upgrade.")
    earlier = {u["state"] for u in await repo.upgrades_of(membership["id"])}
    check_upgrade(
        current=Plan(membership["plan"]),
        target=target,
        paid=membership["valid_from"] is not None,
        upgrade_pending="awaiting_payment" in earlier,
    )
    if "cancelled" in earlier:
        # Billing issues one upgrade invoice per structure and year: a second would go unbilled.
        raise ConflictError(
            "M10", f"The upgrade of {year} was invoiced and cancelled; staff must sort it out."
        )
    amount = tariff_of(await repo.tariff(year), year).upgrade
    upgrade_id = uuid.uuid4()
    await repo.add_upgrade(
        {
            "id": upgrade_id,
            "membership_id": membership["id"],
            "siren": siren,
            "year": year,
            "from_plan": membership["plan"],
            "to_plan": target.value,
            "amount": amount,
            "state": "awaiting_payment",
            "requested_at": now,
        }
    )
    version = await repo.update_membership(membership["id"], {})
    uow.outbox.add(
        PlanUpgradeRequested(
            membership_id=membership["id"],
            upgrade_id=upgrade_id,
            siren=siren,
            year=year,
            from_plan=membership["plan"],
            to_plan=target.value,
            amount=amount,
            customer=customer(structure),
            requested_at=now,
        ),
        aggregate_id=str(membership["id"]),
        aggregate_version=version,
        occurred_at=now,
    )
    await uow.commit()
    return upgrade_id, amount


# -- consumed events: payment and credit notes (M5, M6, M10) ---------------------------------


async def _activated_event(
    repo: MembershipRepository,
    membership: Row,
    *,
    plan: Plan,
    valid_from: date,
    invoice_id: UUID,
    now: datetime,
) -> MembershipActivated:
    structure = await _structure(repo, membership["siren"])
    training = bool(structure["training_organisation"])
    return MembershipActivated(
        membership_id=membership["id"],
        siren=membership["siren"],
        year=membership["year"],
        plan=plan.value,
        valid_from=valid_from,
        valid_until=valid_until(membership["year"]),
        beneficiary_sirets=await repo.beneficiary_sirets(membership["siren"]),
        training_organisation=training,
        qualiopi_valid_until=structure["qualiopi_valid_until"] if training else None,
        invoice_id=invoice_id,
        activated_at=now,
    )


async def on_invoice_paid(uow: MembershipUnitOfWork, event: InvoicePaid, now: datetime) -> None:
    """F5: the dues invoice's payment activates the membership (or the upgrade), once."""
    if event.kind in MEMBERSHIP_KINDS:
        await _activate_membership(uow, event, now)
    elif event.kind == "plan_upgrade":
        await _activate_upgrade(uow, event, now)


def _too_late(event: InvoicePaid, membership: Row, what: str) -> bool:
    """True, and logged, when the payment can no longer activate ``what`` (M3, M4)."""
    refusal = activation_refusal(
        membership["year"], MembershipState(membership["state"]), event.paid_on
    )
    if refusal is None:
        return False
    # Billing's reconciliation (F6) shows this paid invoice without an active membership.
    log.warning("InvoicePaid %s: %s not activated: %s", event.number, what, refusal)
    return True


async def _activate_membership(
    uow: MembershipUnitOfWork, event: InvoicePaid, now: datetime
) -> None:
    repo = uow.repo
    membership = await repo.membership(event.subject_id, for_update=True)
    if membership is None or membership["siren"] != event.siren:
        log.warning("InvoicePaid %s names no membership of %s: ignored", event.number, event.siren)
        return
    if membership["state"] != MembershipState.AWAITING_PAYMENT.value:
        # Already active (a second payment event) or withdrawn: nothing changes.
        log.info("InvoicePaid %s: membership is %s, unchanged", event.number, membership["state"])
        return
    if _too_late(event, membership, f"membership {membership['id']}"):
        return
    plan = Plan(membership["plan"])
    valid_from = activation_start(membership["year"], event.paid_on)
    version = await repo.update_membership(
        membership["id"],
        {
            "state": MembershipState.ACTIVE.value,
            "valid_from": valid_from,
            "premium_from": valid_from if plan is Plan.PREMIUM else None,
            "invoice_id": event.invoice_id,
            "activated_at": now,
        },
    )
    uow.outbox.add(
        await _activated_event(
            repo, membership, plan=plan, valid_from=valid_from, invoice_id=event.invoice_id, now=now
        ),
        aggregate_id=str(membership["id"]),
        aggregate_version=version,
        occurred_at=now,
    )


async def _activate_upgrade(uow: MembershipUnitOfWork, event: InvoicePaid, now: datetime) -> None:
    repo = uow.repo
    upgrade = await repo.upgrade(event.subject_id, for_update=True)
    if upgrade is None or upgrade["state"] != "awaiting_payment":
        log.info("InvoicePaid %s: no upgrade awaiting payment, unchanged", event.number)
        return
    membership = await repo.membership(upgrade["membership_id"], for_update=True)
    assert membership is not None
    if _too_late(event, membership, f"upgrade {upgrade['id']} of membership {membership['id']}"):
        return
    premium_from = max(event.paid_on, membership["valid_from"] or event.paid_on)
    await repo.update_upgrade(
        upgrade["id"], {"state": "paid", "paid_on": event.paid_on, "invoice_id": event.invoice_id}
    )
    version = await repo.update_membership(
        membership["id"], {"plan": Plan.PREMIUM.value, "premium_from": premium_from}
    )
    uow.outbox.add(
        await _activated_event(
            repo,
            membership,
            plan=Plan.PREMIUM,
            valid_from=premium_from,
            invoice_id=event.invoice_id,
            now=now,
        ),
        aggregate_id=str(membership["id"]),
        aggregate_version=version,
        occurred_at=now,
    )


async def on_credit_note_issued(
    uow: MembershipUnitOfWork, event: CreditNoteIssued, now: datetime
) -> None:
    """A dues invoice cancelled in full before payment withdraws the membership and its
    application (state ``withdrawn``); a cancelled upgrade invoice cancels the upgrade.

    A renewal withdrawn during the grace also ends the status it was keeping
    (``MembershipLapsed``, reason ``withdrawn``). Credit notes on paid invoices (refunds) and
    partial ones change no membership.
    """
    if not event.cancels_invoice:
        return
    repo = uow.repo
    if event.kind == "plan_upgrade":
        upgrade = await repo.upgrade(event.subject_id, for_update=True)
        if upgrade is not None and upgrade["state"] == "awaiting_payment":
            await repo.update_upgrade(upgrade["id"], {"state": "cancelled"})
        return
    if event.kind not in MEMBERSHIP_KINDS:
        return
    membership = await repo.membership(event.subject_id, for_update=True)
    if membership is None or membership["state"] != MembershipState.AWAITING_PAYMENT.value:
        log.info("CreditNoteIssued %s: no unpaid membership to withdraw", event.number)
        return
    await repo.update_membership(
        membership["id"], {"state": MembershipState.WITHDRAWN.value, "withdrawn_at": now}
    )
    await repo.update_application(
        membership["application_id"], {"status": ApplicationStatus.WITHDRAWN.value}
    )
    previous = await repo.membership_of(
        membership["siren"], membership["year"] - 1, for_update=True
    )
    lapse = lapse_on_withdrawal(
        facts(previous) if previous is not None else None, facts(membership), event.issued_on
    )
    if previous is not None and lapse is not None:
        await _lapse(uow, previous, lapse.lapsed_on, lapse.reason, now)


# -- the lapse scheduler (M4) ----------------------------------------------------------------


async def _lapse(
    uow: MembershipUnitOfWork, membership: Row, lapsed_on: date, reason: Any, now: datetime
) -> None:
    version = await uow.repo.update_membership(
        membership["id"],
        {"state": MembershipState.LAPSED.value, "lapsed_on": lapsed_on, "lapse_reason": reason},
    )
    uow.outbox.add(
        MembershipLapsed(
            membership_id=membership["id"],
            siren=membership["siren"],
            year=membership["year"],
            lapsed_on=lapsed_on,
            reason=reason,
        ),
        aggregate_id=str(membership["id"]),
        aggregate_version=version,
        occurred_at=now,
    )


@dataclass(frozen=True)
class LapsedMembership:
    membership_id: UUID
    siren: str
    year: int
    lapsed_on: date
    reason: str


async def run_lapses(
    make_uow: Callable[[], MembershipUnitOfWork], on: date, now: datetime
) -> list[LapsedMembership]:
    """Lapse every membership whose status has ended by ``on`` (M4); idempotent."""
    lapsed: list[LapsedMembership] = []
    async with make_uow() as uow:
        for row in await uow.repo.lapse_candidates(on.year):
            # The next year's membership, unpaid, came with the row (one query for the run).
            successor = facts(row, "successor_") if row["successor_id"] is not None else None
            decision = lapse_due(facts(row), successor, on)
            if decision is None:
                continue
            await _lapse(uow, row, decision.lapsed_on, decision.reason, now)
            lapsed.append(
                LapsedMembership(
                    row["id"], row["siren"], row["year"], decision.lapsed_on, decision.reason
                )
            )
        await uow.commit()
    if lapsed:
        log.info("lapse run for %s: %d membership(s) lapsed", on, len(lapsed))
    return lapsed


# -- tariffs (M2, M10) -----------------------------------------------------------------------


async def set_tariff(
    uow: MembershipUnitOfWork, tariff: Tariff, updated_by: str, now: datetime
) -> None:
    """Set a year's dues; amounts already asked of billing keep the tariff they were taken at."""
    await uow.repo.put_tariff(
        {
            "year": tariff.year,
            "simple": tariff.simple,
            "premium": tariff.premium,
            "upgrade": tariff.upgrade,
            "updated_at": now,
            "updated_by": updated_by,
        }
    )
    await uow.commit()


# -- renewal campaign (M8) -------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignResult:
    year: int
    created: int
    total: int


async def run_campaign(
    uow: MembershipUnitOfWork, year: int, started_by: str, now: datetime
) -> CampaignResult:
    """M8: one call for dues per main structure of year-1's members; re-running adds only the
    members paid since."""
    check_campaign_year(year, now.date())
    tariff = tariff_of(await uow.repo.tariff(year), year)
    repo = uow.repo
    await repo.start_campaign({"year": year, "started_at": now, "started_by": started_by})
    await repo.lock_campaign(year)
    members = {r["siren"]: r for r in await repo.paid_members_of(year - 1)}
    already = await repo.called_sirens(year)
    to_call = calls_to_make(members, already)
    await repo.add_calls(
        [
            {
                "year": year,
                "siren": siren,
                "siret": members[siren]["head_office_siret"],
                "legal_name": members[siren]["legal_name"],
                "email": members[siren]["email"],
                "plan": members[siren]["plan"],
                "amount": tariff.dues(Plan(members[siren]["plan"])),
                "called_at": now,
            }
            for siren in to_call
        ]
    )
    await uow.commit()
    return CampaignResult(year, len(to_call), len(already) + len(to_call))


# -- rights at a date ------------------------------------------------------------------------


@dataclass(frozen=True)
class RightsView:
    siren: str
    on: date
    status: StatusAt
    rights: Rights
    beneficiary_sirets: list[str] = field(default_factory=list)


async def resolve_siren(uow: MembershipUnitOfWork, identifier: str) -> tuple[str, str | None]:
    """A SIREN, or the SIRET of a declared establishment (head office or beneficiary, M7)."""
    compact = identifier.replace(" ", "")
    if len(compact) == 14:
        siret = parse_siret(compact)
        row = await uow.repo.establishment(siret)
        if row is None or row["removed_at"] is not None or row["role"] == "applicant":
            raise NotFoundError("Declared establishment", siret)
        return row["siren"], siret
    return parse_siren(compact), None


async def rights_at(uow: MembershipUnitOfWork, siren: str, on: date) -> RightsView:
    check_year(on.year, "M3")
    structure = await _structure(uow.repo, siren)
    history = [facts(r) for r in await uow.repo.memberships_of(siren)]
    status = status_at(history, on, pending_review_years=await uow.repo.pending_review_years(siren))
    rights = rights_for(
        status,
        training_organisation=structure["training_organisation"],
        qualiopi_valid_until=structure["qualiopi_valid_until"],
        on=on,
    )
    return RightsView(
        siren, on, status, rights, beneficiary_sirets=await uow.repo.beneficiary_sirets(siren)
    )
