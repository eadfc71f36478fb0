"""Alembic environment: migrates the database that leerid_app.settings points at."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from leerid_app import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from leerid_app.db import get_engine, make_engine

target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    """Emit SQL for the configured URL without connecting."""
    context.configure(
        url=str(get_engine().url),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate over a live connection (one handed in by upgrade_to_head, or a new one)."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        url = context.config.get_main_option("sqlalchemy.url")
        engine = make_engine(url) if url else get_engine()
        with engine.connect() as new_connection:
            _run(new_connection)
    else:
        _run(connection)


def _run(connection) -> None:
    # render_as_batch lets later migrations alter SQLite tables (ALTER via table copy).
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
