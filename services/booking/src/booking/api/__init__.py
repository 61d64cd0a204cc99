"""HTTP API of the booking service."""

from fastapi import APIRouter

from booking.api import bookings, calendar, feeds, resources

routers: list[APIRouter] = [resources.router, calendar.router, bookings.router, feeds.router]
