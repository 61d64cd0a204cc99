"""A running platform driven over HTTP as the agency's people would: the black-box year of
``tests/e2e`` and the demo of ``scripts/demo.py`` act through it (:class:`Agency`, the acts of
:mod:`shared.testing.agency.acts`, the bank statements of :mod:`.statements`). It needs httpx,
a development dependency."""

from shared.testing.agency.agency import SERVICES, Agency, Endpoints, Json, ServiceUrls, Steps
from shared.testing.agency.people import Person, Structure
from shared.testing.agency.statements import AGENCY_IBAN, Movement, cfonb_statement

__all__ = [
    "AGENCY_IBAN",
    "SERVICES",
    "Agency",
    "Endpoints",
    "Json",
    "Movement",
    "Person",
    "ServiceUrls",
    "Steps",
    "Structure",
    "cfonb_statement",
]
