"""Base class of every event payload, and the money type of the contract."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

#: An amount in euros, two decimals, serialised as a string ("150.00") so that no consumer
#: ever reads it as a binary float.
Money = Annotated[
    Decimal,
    Field(max_digits=12, decimal_places=2),
    PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="json"),
]


class Event(BaseModel):
    """A past-tense fact. Subclasses set the class variables that place them in the catalogue."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    #: Event type, PascalCase, e.g. ``MembershipActivated``.
    event_type: ClassVar[str]
    #: Major version; the routing key ends with ``.v<version>``.
    event_version: ClassVar[int] = 1
    #: Routing key without the version suffix, ``<aggregate>.<event>``.
    routing_stem: ClassVar[str]
    #: The service that publishes it.
    producer: ClassVar[str]

    @classmethod
    def routing_key(cls) -> str:
        return f"{cls.routing_stem}.v{cls.event_version}"
