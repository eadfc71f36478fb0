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
    # All untrusted clients of one name together: more allowance, the same doubling and cap.
    login_name_free_attempts: int = Field(default=10, ge=1)
    # Login attempts per second per realm over all names and clients (each costs an argon2
    # verification); "memory://" per worker, or a redis:// URI to share it between workers.
    login_work_per_second: int = Field(default=10, ge=1)
    login_limit_storage: str = "memory://"

    page_size: int = Field(default=50, ge=5, le=200)

    # Where browsers reach the app: the only origin allowed to talk to it (CORS and the
    # websocket), and with https:// the session cookie is Secure and HSTS is sent.
    public_url: str = "http://localhost:3000"
    # More origins, comma-separated (e.g. "http://127.0.0.1:3000" next to localhost).
    extra_origins: str = ""

    @property
    def allowed_origins(self) -> list[str]:
        """Origins allowed by CORS and the websocket: the public URL's, plus any extra."""
        origins = [self.public_url.rstrip("/")]
        origins += [o.strip().rstrip("/") for o in self.extra_origins.split(",") if o.strip()]
        return list(dict.fromkeys(origins))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
