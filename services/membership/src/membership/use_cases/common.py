"""What several use cases share: the aggregate of an event, the customer billing addresses, the
year's tariff, a structure that must exist."""

from __future__ import annotations

from typing import Protocol

from membership.domain.plans import Tariff
from membership.records import StructureRecord
from membership.use_cases.ports import MembershipUoW
from shared.contracts import CustomerDetails
from shared.errors import NotFound, RuleViolated
from shared.messaging.outbox import AggregateRef


class Aggregate(Protocol):
    """A record that events are about: its id, and its version as the database left it."""

    @property
    def aggregate_id(self) -> str: ...

    @property
    def version(self) -> int: ...


def aggregate(record: Aggregate) -> AggregateRef:
    """The :class:`AggregateRef` of an event about ``record``, at the version its write left it
    (the only way the service builds one: no literal versions)."""
    return AggregateRef.of(record.aggregate_id, record.version)


def customer(structure: StructureRecord) -> CustomerDetails:
    """The main structure as billing addresses it (F1, F3), with a public body's Chorus Pro
    references (F8)."""
    return CustomerDetails(
        siren=structure.siren,
        siret=structure.head_office_siret,
        legal_name=structure.legal_name,
        address_line=structure.address_line,
        postal_code=structure.postal_code,
        city=structure.city,
        insee_code=structure.insee_code,
        public_body=structure.public_body,
        email=structure.email,
        # F8: how Chorus Pro addresses a public body's invoice.
        chorus_service_code=structure.chorus_service_code,
        chorus_commitment_number=structure.chorus_commitment_number,
        chorus_service_code_required=structure.chorus_service_code_required,
        chorus_commitment_required=structure.chorus_commitment_required,
    )


async def tariff_of(uow: MembershipUoW, year: int) -> Tariff:
    """The dues of ``year`` (M2); refused while staff have not set them."""
    record = await uow.dues.tariff(year)
    if record is None:
        raise RuleViolated("M2", f"No tariff is set for {year}: staff must set it first.")
    return record.tariff


async def structure_of(uow: MembershipUoW, siren: str, *, lock: bool = False) -> StructureRecord:
    """The registered structure ``siren`` (locked for the transaction with ``lock``)."""
    structure = await uow.structures.structure(siren, for_update=lock)
    if structure is None:
        raise NotFound("Structure", siren)
    return structure
