"""Configuration from the environment (prefix LEERID_; the database URL also from REFLEX_DB_URL)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
DEFAULT_DB_URL = f"sqlite:///{INSTANCE_DIR / 'leerid.db'}"


class Settings(BaseSettings):
    """Every tunable of the app; read once per process."""

    model_config = SettingsConfigDict(env_prefix="LEERID_", extra="ignore")

    db_url: str = Field(
        default=DEFAULT_DB_URL,
        validation_alias=AliasChoices("REFLEX_DB_URL", "LEERID_DB_URL"),
    )
    # The pepper keys every password hash; it never lives in the database.
    pepper: SecretStr | None = None
    pepper_file: Path = INSTANCE_DIR / "pepper.key"

    # argon2id, OWASP Password Storage Cheat Sheet minimum: m=19 MiB, t=2, p=1.
    argon2_memory_kib: int = Field(default=19_456, ge=19_456)
    argon2_time_cost: int = Field(default=2, ge=2)
    argon2_parallelism: int = Field(default=1, ge=1)

    # Threads that hash passwords in bulk work; argon2 releases the GIL, so one per core.
    hash_workers: int = Field(default_factory=lambda: os.cpu_count() or 2, ge=1)

    session_idle_minutes: int = Field(default=30, ge=1)
    session_absolute_hours: int = Field(default=12, ge=1)

    # Failed logins: delay doubles from the base after the free attempts, up to the cap.
    login_free_attempts: int = Field(default=3, ge=1)
    login_base_delay_seconds: float = Field(default=2.0, gt=0)
    login_max_delay_seconds: float = Field(default=300.0, gt=0)

    page_size: int = Field(default=50, ge=5, le=200)

    # The Leerlingloket's login page, as pupils reach it; slips carry it in a QR code.
    portal_base_url: str = "http://localhost:3000/leerlingloket"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
