"""Thin clients of the four services' APIs, called with the signed-in person's token.

Each client knows its service's paths and shapes and nothing of the pages: a service whose API
moves is adapted here alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from fastapi import Request

    from portal.clients.billing import BillingClient
    from portal.clients.booking import BookingClient
    from portal.clients.membership import MembershipClient
    from portal.clients.training import TrainingClient


@dataclass(frozen=True)
class Clients:
    membership: MembershipClient
    billing: BillingClient
    training: TrainingClient
    booking: BookingClient


def clients_of(request: Request) -> Clients:
    return cast(Clients, request.app.state.clients)
