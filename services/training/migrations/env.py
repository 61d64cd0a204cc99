"""Alembic environment of the training service (async, online only)."""

from alembic import context

from shared.db import run_migrations_online
from training.settings import TrainingSettings
from training.tables import metadata

url = context.config.get_main_option("sqlalchemy.url") or TrainingSettings().database_url
run_migrations_online(url, metadata)
