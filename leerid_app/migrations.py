"""Brings the configured database to the newest alembic revision."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from leerid_app.db import get_engine
from leerid_app.settings import PROJECT_ROOT


def alembic_config() -> Config:
    """The project's alembic configuration, independent of the working directory."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    return config


def upgrade_to_head(engine: Engine | None = None) -> None:
    """Apply every pending migration in one go."""
    config = alembic_config()
    with (engine or get_engine()).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
