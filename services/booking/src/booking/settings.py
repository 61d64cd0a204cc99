"""Settings of the booking service, from the environment."""

from decimal import Decimal

from pydantic import AliasChoices, Field

from shared.settings import ServiceSettings

PARKING_TERMS = (
    "Parking TBM : un badge de stationnement à 1 € par véhicule et par jour, à retirer à "
    "l'accueil du Centre Régional Vincent Merle (Pessac) sur présentation de cette réservation. "
    "Le badge est réglé auprès de TBM ; Cap Métiers ne le facture pas."
)


class BookingSettings(ServiceSettings):
    #: ``BOOKING_DATABASE_URL`` wins over ``DATABASE_URL``, so that one environment runs all four.
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/capmetiers_booking",
        validation_alias=AliasChoices("BOOKING_DATABASE_URL", "DATABASE_URL"),
    )
    #: B7: the TBM parking terms shown with every booking (``BOOKING_PARKING_TERMS``).
    parking_terms: str = Field(
        default=PARKING_TERMS, validation_alias=AliasChoices("BOOKING_PARKING_TERMS")
    )
    #: B7: what a pass costs the driver, paid to TBM (information only).
    parking_pass_price: Decimal = Field(
        default=Decimal("1.00"), validation_alias=AliasChoices("BOOKING_PARKING_PASS_PRICE")
    )
    #: The booking API's public URL (``https://booking.api.cap-metiers.fr``), the base of the
    #: feeds' subscription links; unset: the URL the request came to.
    public_url: str | None = Field(
        default=None, validation_alias=AliasChoices("BOOKING_PUBLIC_URL"), pattern=r"^https?://"
    )
