"""Server-side sessions with idle and absolute expiry, for any realm's own session table.

The browser holds 256 random bits; the table holds only their SHA-256. A realm's table needs
``token_hash``, ``created_at``, ``last_seen_at`` and ``ended_at`` (see AdminSession); the
realm adds its own columns (who, which school) and its own policy.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from sqlmodel import Session, col, select

from leerid_app.services import clock
from leerid_app.settings import Settings, get_settings

# secrets.token_urlsafe(32) gives 43 characters of this alphabet; allow some slack.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,128}")
# Touching last_seen_at on every click would be one write per click; this is plenty precise
# against an idle limit counted in minutes.
TOUCH_INTERVAL = timedelta(seconds=30)


class SessionRow(Protocol):
    """The columns every realm's session table has."""

    token_hash: str
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None


R = TypeVar("R", bound=SessionRow)


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session of a realm may idle and live."""

    idle: timedelta
    absolute: timedelta

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> SessionPolicy:
        """The administrators' policy from the settings."""
        settings = settings or get_settings()
        return cls(
            idle=timedelta(minutes=settings.session_idle_minutes),
            absolute=timedelta(hours=settings.session_absolute_hours),
        )


def new_token() -> str:
    """A fresh browser token (256 random bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the table stores of a token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def is_token_shaped(token: object) -> bool:
    """Whether ``token`` could be a token at all (anything else is not even looked up)."""
    return isinstance(token, str) and _TOKEN_SHAPE.fullmatch(token) is not None


def find(session: Session, model: type[R], token: object) -> R | None:
    """The row of a token, ended or not; None for a missing, malformed or unknown token."""
    if not is_token_shaped(token):
        return None
    assert isinstance(token, str)
    table: Any = model
    return session.exec(select(table).where(table.token_hash == token_hash(token))).first()


def expiry_reason(row: SessionRow, policy: SessionPolicy, now: datetime) -> str | None:
    """Why the session is over (``ended``, ``idle``, ``absolute``), or None while it is live."""
    if row.ended_at is not None:
        return "ended"
    if now - clock.as_utc(row.last_seen_at) > policy.idle:
        return "idle"
    if now - clock.as_utc(row.created_at) > policy.absolute:
        return "absolute"
    return None


def touch(row: SessionRow, now: datetime) -> None:
    """Record activity, at most every TOUCH_INTERVAL."""
    if now - clock.as_utc(row.last_seen_at) > TOUCH_INTERVAL:
        row.last_seen_at = now


def end(row: SessionRow, now: datetime) -> None:
    """End one session now."""
    row.ended_at = now


def end_all(
    session: Session,
    model: type[R],
    owner: Any,
    owner_id: int,
    now: datetime,
    *,
    keep_id: int | None = None,
) -> int:
    """End every open session whose ``owner`` column equals ``owner_id`` (but the session
    ``keep_id``, e.g. the one changing the password); how many ended."""
    table: Any = model
    rows = session.exec(
        select(table).where(
            owner == owner_id, col(table.ended_at).is_(None), col(table.id) != (keep_id or -1)
        )
    ).all()
    for row in rows:
        row.ended_at = now
        session.add(row)
    return len(rows)
