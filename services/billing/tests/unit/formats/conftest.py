"""Sample files and documents of the format tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from billing.formats.document import (
    Address,
    BankAccount,
    DocumentCustomer,
    DocumentInvoice,
    DocumentLine,
    DocumentSeller,
    DocumentType,
)

SAMPLES = Path(__file__).parent / "samples"


class Samples:
    @staticmethod
    def read(name: str) -> bytes:
        return (SAMPLES / name).read_bytes()


@pytest.fixture(scope="session")
def sample() -> type[Samples]:
    return Samples


SELLER = DocumentSeller(
    name="Cap Métiers Nouvelle-Aquitaine",
    legal_form="Association loi 1901",
    address=Address("102 avenue de Canéjan", "33600", "Pessac"),
    siret="83952766000014",
    bank=BankAccount("FR76 3000 4001 2300 0123 4567 843", "BNPAFRPPXXX"),
    vat_mention=(
        "TVA non applicable : exonération des services rendus à ses membres par un organisme "
        "sans but lucratif, article 261-7-1° du Code général des impôts."
    ),
    late_penalty_terms=(
        "En cas de retard de paiement, des pénalités sont exigibles dès le lendemain de la date "
        "d'échéance, au taux de la BCE majoré de 10 points."
    ),
    recovery_indemnity=Decimal("40.00"),
    vat_id="FR32839527660",
    email="comptabilite@cap-metiers.fr",
)
LYCEE = DocumentCustomer(
    name="Lycée professionnel Jean Monnet",
    address=Address("12 rue des Écoles", "33000", "Bordeaux"),
    siren="193300011",
    siret="19330001100018",
    public_body=True,
    service_code="SERV-FIN-01",
    commitment_number="EJ-2025-004512",
    service_code_required=True,
    commitment_required=True,
)
ASSOCIATION = DocumentCustomer(
    name="Association Tremplin",
    address=Address("4 place Pey-Berland", "33000", "Bordeaux"),
    siren="512345672",
)
CREATED = datetime(2025, 3, 2, 8, 30, tzinfo=UTC)


class Docs:
    seller = SELLER
    lycee = LYCEE
    association = ASSOCIATION
    created = CREATED

    @staticmethod
    def invoice(**changes: Any) -> DocumentInvoice:
        doc = DocumentInvoice(
            type=DocumentType.INVOICE,
            number="FA-2025-00012",
            issued_on=date(2025, 3, 2),
            seller=SELLER,
            customer=LYCEE,
            lines=(
                DocumentLine("Cotisation 2025 - adhésion Premium", Decimal(1), Decimal("150.00")),
                DocumentLine("Location de l'auditorium", Decimal(2), Decimal("1250.00")),
            ),
            total=Decimal("2650.00"),
            created_at=CREATED,
            due_on=date(2025, 4, 1),
            subject="Cotisation 2025 et auditorium",
        )
        return replace(doc, **changes)

    @staticmethod
    def credit_note(**changes: Any) -> DocumentInvoice:
        doc = DocumentInvoice(
            type=DocumentType.CREDIT_NOTE,
            number="AV-2025-00003",
            issued_on=date(2025, 3, 9),
            seller=SELLER,
            customer=LYCEE,
            lines=(DocumentLine("Annulation auditorium du 12/03", Decimal(1), Decimal("1250.00")),),
            total=Decimal("1250.00"),
            created_at=CREATED,
            corrected_invoice="FA-2025-00012",
            corrected_invoice_date=date(2025, 3, 2),
            reason="date annulée avant le jour",
        )
        return replace(doc, **changes)


@pytest.fixture(scope="session")
def docs() -> type[Docs]:
    return Docs
