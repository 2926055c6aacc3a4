"""Alembic environment: the database URL comes from the app's settings, the tables from every feature's models."""

from __future__ import annotations

from alembic import context

import assistant.models  # noqa: F401  registers every table on Base.metadata
from core.database import Base, get_engine

target_metadata = Base.metadata


def run_offline() -> None:
    context.configure(url=str(get_engine().url), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    with get_engine().connect() as connection:
        # Batch mode lets later migrations alter tables on SQLite too.
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
