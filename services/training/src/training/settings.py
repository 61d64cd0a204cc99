"""Settings of the training service, from the environment."""

from pydantic import AliasChoices, Field

from shared.settings import ServiceSettings


class TrainingSettings(ServiceSettings):
    #: ``TRAINING_DATABASE_URL`` wins over ``DATABASE_URL``, so that one environment runs all four.
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/capmetiers_training",
        validation_alias=AliasChoices("TRAINING_DATABASE_URL", "DATABASE_URL"),
    )
