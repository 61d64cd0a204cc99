"""HTTP API of the booking service."""

from fastapi import APIRouter

from booking.api import bookings, calendar, feeds, resources
from shared.projections.member_rights_api import member_rights_router

routers: list[APIRouter] = [
    resources.router,
    calendar.router,
    bookings.router,
    feeds.router,
    member_rights_router(),
]
