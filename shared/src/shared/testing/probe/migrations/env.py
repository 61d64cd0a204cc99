from alembic import context

from shared.db import run_migrations_online

run_migrations_online(context.config.get_main_option("sqlalchemy.url") or "", None)
