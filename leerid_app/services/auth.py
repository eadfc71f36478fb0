"""Administrators' front door: login (throttled), their sessions and the current school."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import replace
from datetime import datetime
from functools import lru_cache

from sqlmodel import Session, select

from leerid_app import texts
from leerid_app.models import Administrator, AdminSession
from leerid_app.services import clock
from leerid_app.services.admins import MAX_PASSWORD_CHARS, MAX_USERNAME_CHARS
from leerid_app.services.audit import AuditAction, record_event
from leerid_app.services.errors import NotAllowed
from leerid_app.services.hashing import get_password_hashing
from leerid_app.services.identity import sessions, throttle
from leerid_app.services.identity.sessions import SessionPolicy
from leerid_app.services.identity.throttle import Client, LoginResult, ThrottlePolicy, login_key
from leerid_app.services.scope import AdminContext, is_database_id, refuse, schools_of

ADMIN_REALM = "admin"

log = logging.getLogger("leerid_app")


class _BusyLog:
    """One warning per minute with a count: a flood must not flood the log as well."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._refused = 0
        self._logged_at = float("-inf")

    def note(self) -> None:
        with self._lock:
            self._refused += 1
            now = time.monotonic()
            if now - self._logged_at < 60:
                return
            refused, self._refused, self._logged_at = self._refused, 0, now
        log.warning("global login work limit reached: %d attempts refused", refused)


_busy_log = _BusyLog()


@lru_cache(maxsize=1)
def _dummy_password_hash() -> str:
    # Made once, lazily: verifying against it costs what verifying a real hash costs, so the
    # response time does not tell whether a username exists.
    return get_password_hashing().hash(secrets.token_urlsafe(24))


def throttled_message(retry_after_seconds: float) -> str:
    """The Dutch "too many attempts" message, in whole seconds rounded up."""
    return texts.LOGIN_THROTTLED.format(
        seconds=throttle.throttled_seconds_text(retry_after_seconds)
    )


def client_of(username: object, device_cookie: object, address: object) -> Client:
    """The throttling client of an administrator's login attempt."""
    return Client.of(
        pepper=get_password_hashing().pepper,
        realm=ADMIN_REALM,
        name=login_key(username),
        device_cookie=device_cookie,
        address=address,
    )


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    client: Client | None = None,
    now: datetime | None = None,
) -> LoginResult:
    """Check an administrator's login, throttled per (name, client), and audit the outcome.

    Known and unknown names behave the same: same message, same throttling, and an argon2
    verification either way. Beyond the realm's global work limit an attempt is turned away
    before any write or hashing. Writes throttle rows and an audit event; the caller commits
    (also on failure, or the failure count is lost).

    Args:
        session: The caller's database session.
        username: The typed username (case and surrounding spaces ignored).
        password: The typed password.
        client: Who is trying (device cookie or address); an unknown client by default.
        now: The time of the attempt (timezone-aware); defaults to the clock.

    Returns:
        The administrator's id (and a device cookie) on success; otherwise the Dutch error
        and, when blocked, the seconds until this client may try again.
    """
    now = clock.now_or(now)
    typed = username if isinstance(username, str) else ""
    password = password if isinstance(password, str) else ""
    key = login_key(typed)
    client = client or Client(key="ip:unknown", trusted=False)
    hashing = get_password_hashing()

    if not client.trusted and not throttle.work_limit().try_acquire(ADMIN_REALM):
        _busy_log.note()
        return LoginResult(None, texts.LOGIN_BUSY, 1.0)

    def audit_failure(reason: str) -> None:
        record_event(
            session,
            action=AuditAction.LOGIN_FAILED,
            actor_administrator_id=None,
            actor_username=key[:MAX_USERNAME_CHARS],
            details={"username": typed[:MAX_USERNAME_CHARS], "reason": reason},
            now=now,
        )

    attempt = throttle.begin_attempt(
        session, ADMIN_REALM, key, client, policy=ThrottlePolicy.from_settings(), now=now
    )
    wait = attempt.seconds_blocked
    if wait > 0:
        # Refused without verifying: a blocked client gets no guesses at all.
        audit_failure("throttled")
        return LoginResult(None, throttled_message(wait), wait)

    administrator: Administrator | None = None
    if len(typed) > MAX_USERNAME_CHARS or len(password) > MAX_PASSWORD_CHARS:
        # Never hash huge input (a cheap way to burn CPU); verify a short stand-in instead so
        # the refusal takes as long as any other.
        hashing.verify(_dummy_password_hash(), "")
        reason, verified = "too_long", False
    else:
        administrator = session.exec(
            select(Administrator).where(Administrator.username == key)
        ).first()
        if administrator is None:
            hashing.verify(_dummy_password_hash(), password)
            reason, verified = "unknown_username", False
        else:
            verified = hashing.verify(administrator.password_hash, password)
            reason = "wrong_password"
            if verified and not administrator.is_active:
                reason, verified = "inactive", False

    if not verified or administrator is None or administrator.id is None:
        delay = attempt.failed()
        audit_failure(reason)
        return LoginResult(None, texts.LOGIN_FAILED, delay)

    attempt.succeeded()
    if hashing.needs_rehash(administrator.password_hash):
        # The parameters were raised since this hash was made; upgrade it while we know the
        # password.
        administrator.password_hash = hashing.hash(password)
    record_event(
        session,
        action=AuditAction.LOGIN,
        actor_administrator_id=administrator.id,
        actor_username=administrator.username,
        now=now,
    )
    session.flush()
    cookie = throttle.issue_device_cookie(hashing.pepper, ADMIN_REALM, key)
    return LoginResult(administrator.id, None, 0.0, device_cookie=cookie)


def start_session(session: Session, administrator_id: int, *, now: datetime | None = None) -> str:
    """Open a server-side session for a logged-in administrator.

    Args:
        session: The caller's database session; the caller commits.
        administrator_id: The administrator ``authenticate`` returned.
        now: The start time (timezone-aware); defaults to the clock.

    Returns:
        The fresh session token for the browser; only its SHA-256 is stored.

    Raises:
        NotAllowed: If the administrator does not exist or is inactive.
    """
    now = clock.now_or(now)
    administrator = session.get(Administrator, administrator_id)
    if administrator is None or not administrator.is_active:
        raise NotAllowed(texts.LOGIN_FAILED)
    schools = schools_of(session, administrator_id)
    token = sessions.new_token()
    session.add(
        AdminSession(
            token_hash=sessions.token_hash(token),
            administrator_id=administrator_id,
            current_school_id=schools[0].id if schools else None,
            created_at=now,
            last_seen_at=now,
        )
    )
    session.flush()
    return token


def _expire(
    session: Session, row: AdminSession, actor_username: str, reason: str, now: datetime
) -> None:
    sessions.end(row, now)
    session.add(row)
    record_event(
        session,
        action=AuditAction.SESSION_EXPIRED,
        actor_administrator_id=row.administrator_id,
        actor_username=actor_username,
        school_id=row.current_school_id,
        details={"reason": reason},
        now=now,
    )


def resolve_session(
    session: Session, token: str | None, *, now: datetime | None = None
) -> AdminContext | None:
    """Check a browser's session token and say who is logged in and in which school.

    Ends sessions that idled or lived too long (audited SESSION_EXPIRED). If the
    administrator lost access to the current school, another of their schools is chosen.
    May write (``last_seen_at``, ``ended_at``, audit); the caller commits.

    Returns:
        The context of a live session, or None when the caller must show the login page.
    """
    now = clock.now_or(now)
    row = sessions.find(session, AdminSession, token)
    if row is None or row.ended_at is not None or row.id is None:
        return None
    administrator = session.get(Administrator, row.administrator_id)
    actor = administrator.username if administrator is not None else ""
    reason = sessions.expiry_reason(row, SessionPolicy.from_settings(), now)
    if reason is not None:
        _expire(session, row, actor, reason, now)
        return None
    if administrator is None or not administrator.is_active:
        _expire(session, row, actor, "inactive", now)
        return None
    schools = schools_of(session, row.administrator_id)
    if not schools:
        _expire(session, row, actor, "no_school", now)
        return None
    current = next((s for s in schools if s.id == row.current_school_id), schools[0])
    if current.id != row.current_school_id:
        row.current_school_id = current.id  # access to the old one was revoked
    sessions.touch(row, now)
    session.add(row)
    session.flush()
    return AdminContext(
        session_id=row.id,
        administrator_id=row.administrator_id,
        username=administrator.username,
        display_name=administrator.display_name,
        school_id=current.id,
        school_name=current.name,
        schools=schools,
    )


def end_session(session: Session, token: str | None, *, now: datetime | None = None) -> None:
    """Log out: end the session on the server (audited LOGOUT); unknown tokens are ignored."""
    now = clock.now_or(now)
    row = sessions.find(session, AdminSession, token)
    if row is None or row.ended_at is not None:
        return
    sessions.end(row, now)
    session.add(row)
    administrator = session.get(Administrator, row.administrator_id)
    record_event(
        session,
        action=AuditAction.LOGOUT,
        actor_administrator_id=row.administrator_id,
        actor_username=administrator.username if administrator is not None else "",
        school_id=row.current_school_id,
        now=now,
    )


def switch_school(
    session: Session, token: str | None, school_id: int, *, now: datetime | None = None
) -> AdminContext:
    """Make another of the administrator's schools the current one (Wijzig instelling).

    A refusal is audited ACCESS_DENIED; the caller must still commit when it catches the
    error, or the audit event is rolled back with it.

    Raises:
        NotAllowed: If the session is not live, or the administrator does not administer
            the school.
    """
    now = clock.now_or(now)
    context = resolve_session(session, token, now=now)
    if context is None:
        raise NotAllowed(texts.SESSION_EXPIRED)
    target = next(
        (s for s in context.schools if is_database_id(school_id) and s.id == school_id), None
    )
    if target is None:
        error = NotAllowed(texts.NOT_SCHOOL_ADMIN)
        refuse(session, context, "school_not_administered", school_id, error, now=now)
    row = session.get(AdminSession, context.session_id)
    if row is None:  # resolve_session just found it; only a concurrent delete gets here
        raise NotAllowed(texts.SESSION_EXPIRED)
    previous = context.school_id
    row.current_school_id = target.id
    session.add(row)
    record_event(
        session,
        action=AuditAction.SCHOOL_SWITCHED,
        actor_administrator_id=context.administrator_id,
        actor_username=context.username,
        school_id=target.id,
        details={"from_school_id": previous},
        now=now,
    )
    return replace(context, school_id=target.id, school_name=target.name)
