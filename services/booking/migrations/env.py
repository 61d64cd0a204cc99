"""Alembic environment of the booking service (async, online only)."""

from alembic import context

from booking.settings import BookingSettings
from booking.tables import metadata
from shared.db import run_migrations_online

url = context.config.get_main_option("sqlalchemy.url") or BookingSettings().database_url
run_migrations_online(url, metadata)
