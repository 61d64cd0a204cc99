"""F3, F4, F8: billing's settings refuse what would make a wrong invoice or payment."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from billing.settings import DEVELOPMENT_IBAN, BillingSettings, SellerSettings


def test_f3_the_seller_account_is_checked_and_normalised() -> None:
    seller = SellerSettings(iban="fr76 3000 6000 0112 3456 7890 189", bic="agrifrpp")
    assert (seller.iban, seller.bic) == ("FR7630006000011234567890189", "AGRIFRPP")
    with pytest.raises(ValidationError, match="IBAN"):
        SellerSettings(iban="FR7630006000011234567890180")
    with pytest.raises(ValidationError, match="BIC"):
        SellerSettings(bic="AGRI")


def test_f8_an_exempt_seller_needs_a_vat_number_or_a_tax_registration() -> None:
    with pytest.raises(ValidationError, match="BR-E-2"):
        SellerSettings(vat_id=None, tax_registration_id=None)
    assert SellerSettings(vat_id="FR32839527660", tax_registration_id=None).vat_id


def test_f3_production_refuses_the_development_account() -> None:
    with pytest.raises(ValidationError, match="IBAN"):
        BillingSettings(platform_environment="production")
    own = BillingSettings(
        platform_environment="production",
        seller=SellerSettings(iban="FR7630006000011234567890189", bic="AGRIFRPP"),
    )
    assert own.seller.iban != DEVELOPMENT_IBAN


def test_f4_the_first_invoicing_year_is_a_setting() -> None:
    assert BillingSettings().invoicing.first_year == 2025
