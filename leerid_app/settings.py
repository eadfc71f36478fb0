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

    # A bulk run beats a heartbeat in the database this often; one silent for the stale time
    # died with its worker, and the administrator is told so instead of waiting forever.
    bulk_heartbeat_seconds: float = Field(default=2.0, gt=0)
    bulk_stale_seconds: float = Field(default=10.0, gt=0)

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

    # --- The Leerlingloket (pupils) ---
    # Where pupils log in; printed on the slips and used in mailed links.
    portal_base_url: str = "http://localhost:3000/leerlingloket"
    pupil_session_idle_minutes: int = Field(default=30, ge=1)
    pupil_session_absolute_hours: int = Field(default=8, ge=1)
    # A test morning is ~3,000 logins in a few minutes; each costs one argon2 verification.
    pupil_login_work_per_second: int = Field(default=100, ge=1)
    # `Wachtwoord vergeten?`: mails per account per hour, and requests per minute overall.
    reset_requests_per_account_per_hour: int = Field(default=3, ge=1)
    reset_requests_per_minute: int = Field(default=30, ge=1)

    # Demo mode: mails land in the outbox at /demo/postvak instead of going out.
    demo_mode: bool = False
    # SMTP in production (STARTTLS unless switched off, e.g. for a test server on loopback).
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    mail_from: str = "LeerID <noreply@leerid.invalid>"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
