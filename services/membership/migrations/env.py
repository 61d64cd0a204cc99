"""Alembic environment of the membership service (async, online only)."""

from alembic import context

from membership.settings import MembershipSettings
from membership.tables import metadata
from shared.db import run_migrations_online

url = context.config.get_main_option("sqlalchemy.url") or MembershipSettings().database_url
run_migrations_online(url, metadata)
