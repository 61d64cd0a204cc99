"""Alembic environment of the billing service (async, online only)."""

from alembic import context

from billing.settings import BillingSettings
from billing.tables import metadata
from shared.db import run_migrations_online

url = context.config.get_main_option("sqlalchemy.url") or BillingSettings().database_url
run_migrations_online(url, metadata)
