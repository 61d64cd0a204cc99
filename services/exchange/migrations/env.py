"""Alembic environment of the exchange service (async, online only)."""

from alembic import context

from exchange.settings import ExchangeSettings
from exchange.tables import metadata
from shared.db import run_migrations_online

url = context.config.get_main_option("sqlalchemy.url") or ExchangeSettings().database_url
run_migrations_online(url, metadata)
