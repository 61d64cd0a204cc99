"""The use cases on an in-memory unit of work (no server): the dues flow from application to
activation, the events it publishes at the versions the records reach, and the refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from membership.domain.applications import ApplicationStatus, Texts
from membership.domain.validity import MembershipState
from membership.records import ApplicationRecord
from membership.use_cases import applications, campaign, payments, rights, structures, upgrades
from services.membership.tests.conftest import TEXT, new_siren, siret_of
from services.membership.tests.unit.fakes import FakeMembershipUnitOfWork
from shared.clock import FixedClock
from shared.contracts import (
    BeneficiaryAdded,
    BeneficiaryRemoved,
    CreditNoteIssued,
    InvoicePaid,
    MembershipActivated,
    MembershipApplicationSubmitted,
    MembershipApproved,
    MembershipRejected,
    PlanUpgradeRequested,
)
from shared.contracts.envelope import Envelope
from shared.errors import Conflict, NotFound, RuleViolated

TEXTS = Texts(TEXT, TEXT, TEXT)


@pytest.fixture
def uow() -> FakeMembershipUnitOfWork:
    return FakeMembershipUnitOfWork(FixedClock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC)))


def at(uow: FakeMembershipUnitOfWork, day: date) -> None:
    assert isinstance(uow.clock, FixedClock)
    uow.clock.set(datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC))


def new_structure(siren: str, insee_code: str = "33063") -> structures.NewStructure:
    return structures.NewStructure(
        siren=siren,
        legal_name=f"Structure {siren}",
        legal_form="association",
        head_office=structures.Address(
            siret=siret_of(siren),
            address_line="1 rue Sainte-Catherine",
            postal_code="33000",
            city="Bordeaux",
            insee_code=insee_code,
        ),
        email=f"contact-{siren}@example.org",
    )


async def registered(uow: FakeMembershipUnitOfWork) -> str:
    siren = new_siren()
    async with uow:
        await structures.register_structure(uow, new_structure(siren))
        await uow.commit()
    return siren


def application(siren: str, year: int = 2026, plan: str = "simple") -> applications.Application:
    return applications.Application(siren, year, plan, TEXTS, submitted_by=f"member-{siren}")


async def applied(
    uow: FakeMembershipUnitOfWork, siren: str, plan: str = "simple"
) -> ApplicationRecord:
    async with uow:
        record = await applications.apply(uow, application(siren, plan=plan))
        await uow.commit()
    return record


async def approved(uow: FakeMembershipUnitOfWork, application_id: UUID) -> UUID:
    async with uow:
        record = await applications.approve(uow, application_id, "board-1")
        await uow.commit()
    assert record.membership_id is not None
    return record.membership_id


def paid(siren: str, subject_id: UUID, paid_on: date, kind: str = "membership_new") -> InvoicePaid:
    return InvoicePaid(
        invoice_id=uuid4(),
        number="F-2026-00001",
        siren=siren,
        kind=kind,  # type: ignore[arg-type]
        subject_id=subject_id,
        year=paid_on.year,
        total=Decimal("100.00"),
        paid_on=paid_on,
    )


async def pay(uow: FakeMembershipUnitOfWork, event: InvoicePaid) -> None:
    async with uow:
        await payments.on_invoice_paid(uow, event)
        await uow.commit()


def the(uow: FakeMembershipUnitOfWork, model: type, **payload: object) -> list[Envelope]:
    """The committed envelopes of ``model`` whose payload has the given values."""
    return [
        e for e in uow.events(model) if all(e.payload.get(k) == str(v) for k, v in payload.items())
    ]


async def test_m5_application_approval_and_payment_activate_the_membership(uow) -> None:
    siren = await registered(uow)
    submitted = await applied(uow, siren, "premium")
    assert (submitted.kind, submitted.status) == ("new", ApplicationStatus.PENDING_REVIEW)
    [event] = the(uow, MembershipApplicationSubmitted, siren=siren)
    assert (event.aggregate_id, event.aggregate_version) == (str(submitted.id), 1)

    membership_id = await approved(uow, submitted.id)
    [event] = the(uow, MembershipApproved, siren=siren)
    assert (event.aggregate_id, event.aggregate_version) == (str(membership_id), 1)
    assert Decimal(event.payload["amount"]) == Decimal("150.00")
    assert event.payload["customer"]["siret"] == siret_of(siren)

    at(uow, date(2026, 3, 12))
    await pay(uow, paid(siren, membership_id, date(2026, 3, 12)))
    [event] = the(uow, MembershipActivated, siren=siren)
    assert (event.aggregate_id, event.aggregate_version) == (str(membership_id), 2)
    assert event.occurred_at == uow.clock.now()
    assert (event.payload["plan"], event.payload["valid_from"]) == ("premium", "2026-03-12")
    assert uow.membership_of(siren, 2026).state is MembershipState.ACTIVE
    async with uow:
        view = await rights.rights_at(uow, siren, date(2026, 3, 12))
    assert (view.status.status, view.rights.room_booking) == ("active", True)

    # Delivered again: nothing changes, nothing is published.
    await pay(uow, paid(siren, membership_id, date(2026, 3, 12)))
    assert len(the(uow, MembershipActivated, siren=siren)) == 1


async def test_m4_t2_a_renewal_under_way_announces_the_grace_of_the_year_before(uow) -> None:
    """Training and booking know member status only from the events: the renewal tells them
    that the member of 2025 keeps it until 15 February 2026 (M4), as /rights says."""

    async def member_of_2025(plan: str, paid_on: date) -> tuple[str, UUID]:
        siren = await registered(uow)
        at(uow, date(2025, 3, 1))
        async with uow:
            submitted = await applications.apply(uow, application(siren, 2025, plan))
            await uow.commit()
        membership_id = await approved(uow, submitted.id)
        at(uow, paid_on)
        await pay(uow, paid(siren, membership_id, paid_on))
        return siren, membership_id

    siren, membership_id = await member_of_2025("premium", date(2025, 3, 10))
    at(uow, date(2025, 12, 1))
    async with uow:
        await campaign.run_campaign(uow, 2026, "staff-1")
        await applications.apply(uow, application(siren, 2026))
        await uow.commit()
    first, announced = the(uow, MembershipActivated, siren=siren)
    assert (announced.aggregate_id, announced.aggregate_version) == (str(membership_id), 3)
    assert announced.payload == first.payload | {"grace_until": "2026-02-15"}
    async with uow:
        view = await rights.rights_at(uow, siren, date(2026, 2, 15))
    assert (view.status.status, view.status.grace_until) == ("grace", date(2026, 2, 15))

    # After 15 February a renewal keeps nothing: no announcement.
    late, _ = await member_of_2025("simple", date(2025, 12, 2))
    at(uow, date(2026, 2, 16))
    async with uow:
        await applications.apply(uow, application(late, 2026))
        await uow.commit()
    assert [e.payload["grace_until"] for e in the(uow, MembershipActivated, siren=late)] == [None]


async def test_use_cases_leave_the_commit_to_the_edge(uow) -> None:
    siren = await registered(uow)
    commits = uow.commits
    async with uow:
        await applications.apply(uow, application(siren))
        # not committed: leaving the block drops the events, as a rollback would
    assert uow.commits == commits
    assert the(uow, MembershipApplicationSubmitted, siren=siren) == []


async def test_m10_upgrade_and_its_payment_follow_the_membership_versions(uow) -> None:
    siren = await registered(uow)
    membership_id = await approved(uow, (await applied(uow, siren)).id)
    await pay(uow, paid(siren, membership_id, date(2026, 3, 10)))
    at(uow, date(2026, 6, 1))
    async with uow:
        upgrade = await upgrades.request_upgrade(uow, siren, "premium")
        await uow.commit()
    [requested] = the(uow, PlanUpgradeRequested, siren=siren)
    assert (requested.aggregate_id, requested.aggregate_version) == (str(membership_id), 3)
    assert uow.membership_of(siren, 2026).upgrade_id == upgrade.id

    at(uow, date(2026, 6, 10))
    await pay(uow, paid(siren, upgrade.id, date(2026, 6, 10), kind="plan_upgrade"))
    activations = the(uow, MembershipActivated, siren=siren)
    assert [(e.payload["plan"], e.aggregate_version) for e in activations] == [
        ("simple", 2),
        ("premium", 4),
    ]


async def test_m7_each_beneficiary_is_an_aggregate_of_its_own(uow) -> None:
    siren = await registered(uow)
    first, second = siret_of(siren, 2), siret_of(siren, 3)
    async with uow:
        await structures.add_beneficiary(uow, siren, first, "Antenne de Pau")
        await structures.add_beneficiary(uow, siren, second, "Antenne de Dax")
        await structures.remove_beneficiary(uow, siren, first)
        await uow.commit()
    added = [(e.aggregate_id, e.aggregate_version) for e in uow.events(BeneficiaryAdded)]
    assert added == [(first, 1), (second, 1)]
    removed = [(e.aggregate_id, e.aggregate_version) for e in uow.events(BeneficiaryRemoved)]
    assert removed == [(first, 2)]
    async with uow:
        await structures.add_beneficiary(uow, siren, first, "Antenne de Pau")
        await uow.commit()
    assert uow.events(BeneficiaryAdded)[-1].aggregate_version == 3


async def test_m5_refusals(uow) -> None:
    siren = await registered(uow)
    async with uow:
        with pytest.raises(RuleViolated) as no_texts:
            await applications.apply(
                uow, applications.Application(siren, 2026, "simple", Texts(None, "x", None), "m")
            )
        with pytest.raises(NotFound):
            await applications.apply(uow, application(new_siren()))
        with pytest.raises(RuleViolated) as gold:
            await applications.apply(uow, application(siren, plan="gold"))
    assert (no_texts.value.rule, gold.value.rule) == ("M5", "M2")

    submitted = await applied(uow, siren)
    async with uow:
        with pytest.raises(Conflict) as twice:
            await applications.apply(uow, application(siren))
        with pytest.raises(RuleViolated) as no_reason:
            await applications.reject(uow, submitted.id, "no", "board-1")
        with pytest.raises(NotFound):
            await applications.approve(uow, uuid4(), "board-1")
    assert (twice.value.rule, twice.value.status, no_reason.value.rule) == ("M3", 409, "M5")

    await approved(uow, submitted.id)
    async with uow:
        with pytest.raises(Conflict) as decided:
            await applications.reject(uow, submitted.id, "Hors du champ de l'agence", "board-1")
    assert decided.value.rule == "M5"
    assert the(uow, MembershipRejected, siren=siren) == []
    assert len(the(uow, MembershipApproved, siren=siren)) == 1


async def test_m1_structure_outside_the_region_or_registered_twice_is_refused(uow) -> None:
    siren = await registered(uow)
    async with uow:
        with pytest.raises(RuleViolated) as vendee:
            await structures.register_structure(uow, new_structure(new_siren(), "85191"))
        with pytest.raises(Conflict) as twice:
            await structures.register_structure(uow, new_structure(siren))
    assert vendee.value.rule == "M1"
    assert "85 (Vendée)" in vendee.value.detail
    assert twice.value.rule == "conflict"


async def test_m3_payments_that_come_too_late_or_for_a_withdrawn_membership_activate_nothing(
    uow,
) -> None:
    late, withdrawn = await registered(uow), await registered(uow)
    late_id = await approved(uow, (await applied(uow, late)).id)
    at(uow, date(2027, 1, 4))
    await pay(uow, paid(late, late_id, date(2027, 1, 4)))
    assert uow.membership_of(late, 2026).state is MembershipState.AWAITING_PAYMENT

    at(uow, date(2026, 3, 10))
    withdrawn_id = await approved(uow, (await applied(uow, withdrawn)).id)
    async with uow:
        await payments.on_credit_note_issued(
            uow,
            CreditNoteIssued(
                credit_note_id=uuid4(),
                number="AV-2026-0001",
                invoice_id=uuid4(),
                invoice_number="F-2026-00001",
                siren=withdrawn,
                kind="membership_new",
                subject_id=withdrawn_id,
                amount=Decimal("100.00"),
                cancels_invoice=True,
                reason="unpaid",
                issued_on=date(2026, 3, 10),
            ),
        )
        await uow.commit()
    await pay(uow, paid(withdrawn, withdrawn_id, date(2026, 3, 11)))
    assert uow.membership_of(withdrawn, 2026).state is MembershipState.WITHDRAWN
    assert uow.events(MembershipActivated) == []


async def test_m10_upgrade_refused_before_payment_and_after_a_downgrade_request(uow) -> None:
    siren = await registered(uow)
    membership_id = await approved(uow, (await applied(uow, siren)).id)
    async with uow:
        with pytest.raises(RuleViolated) as unpaid:
            await upgrades.request_upgrade(uow, siren, "premium")
    await pay(uow, paid(siren, membership_id, date(2026, 3, 10)))
    async with uow:
        with pytest.raises(Conflict) as same:
            await upgrades.request_upgrade(uow, siren, "simple")
    assert (unpaid.value.rule, same.value.rule) == ("M10", "M10")
    assert uow.events(PlanUpgradeRequested) == []
