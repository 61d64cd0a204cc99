"""HTTP API of the booking service."""

from fastapi import APIRouter

from booking.api import bookings, calendar, resources

routers: list[APIRouter] = [resources.router, calendar.router, bookings.router]
