"""Settings of the booking service, from the environment."""

from pydantic import AliasChoices, Field

from shared.settings import ServiceSettings


class BookingSettings(ServiceSettings):
    #: ``BOOKING_DATABASE_URL`` wins over ``DATABASE_URL``, so that one environment runs all four.
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/capmetiers_booking",
        validation_alias=AliasChoices("BOOKING_DATABASE_URL", "DATABASE_URL"),
    )
