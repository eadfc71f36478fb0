"""Pupils' front door to the Leerlingloket: login (throttled), their own sessions, logout."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache

from sqlmodel import Session, select

from leerid_app.db import READ_ONLY
from leerid_app.models import LeerIDAccount, PasswordType, Pupil, PupilSession
from leerid_app.services import clock
from leerid_app.services.audit import PUPIL_ACTOR, AuditAction, record_event
from leerid_app.services.auth import _dummy_password_hash
from leerid_app.services.errors import NotAllowed
from leerid_app.services.hashing import get_password_hashing
from leerid_app.services.identity import sessions, throttle
from leerid_app.services.identity.sessions import SessionPolicy
from leerid_app.services.identity.throttle import (
    Client,
    LoginResult,
    ThrottlePolicy,
    WorkLimit,
    login_key,
)
from leerid_app.services.passwords import OWN_PASSWORD_MAX_LENGTH
from leerid_app.settings import Settings, get_settings

PUPIL_REALM = "pupil"
MAX_USERNAME_CHARS = 50  # LeerIDAccount.username

# Never says whether the username exists, is inactive or has no account.
MSG_LOGIN_FAILED = "Je gebruikersnaam of wachtwoord is niet juist, of je LeerID is niet actief."
MSG_LOGIN_BUSY = (
    "Er melden zich nu heel veel leerlingen aan. Probeer het over enkele seconden opnieuw."
)
MSG_LOGIN_THROTTLED = "Te veel mislukte pogingen. Probeer het opnieuw over {seconds} seconden."
MSG_SESSION_EXPIRED = "Je sessie is verlopen. Meld je opnieuw aan."

log = logging.getLogger("leerid_app")


@dataclass(frozen=True)
class PupilContext:
    """Who is logged in to the Leerlingloket: the account, its pupil and school."""

    session_id: int
    account_id: int
    pupil_id: int
    school_id: int
    username: str


def session_policy(settings: Settings | None = None) -> SessionPolicy:
    """The pupils' idle and absolute session limits."""
    settings = settings or get_settings()
    return SessionPolicy(
        idle=timedelta(minutes=settings.pupil_session_idle_minutes),
        absolute=timedelta(hours=settings.pupil_session_absolute_hours),
    )


def throttle_policy(settings: Settings | None = None) -> ThrottlePolicy:
    """The administrators' delays, but a classmate's guessing never blocks a fresh device."""
    return replace(ThrottlePolicy.from_settings(settings), name_row_blocks_fresh_clients=False)


@cache
def work_limit() -> WorkLimit:
    """The pupils' own global limit: a test morning must not be capped at the admins' rate."""
    settings = get_settings()
    return WorkLimit(settings.pupil_login_work_per_second, settings.login_limit_storage)


def client_of(username: object, device_cookie: object, address: object) -> Client:
    """The throttling client of a pupil's login attempt."""
    return Client.of(
        pepper=get_password_hashing().pepper,
        realm=PUPIL_REALM,
        name=login_key(username),
        device_cookie=device_cookie,
        address=address,
    )


def is_active(pupil: Pupil, now: datetime) -> bool:
    """An account is active until the end of the pupil's enrollment (Brussels days)."""
    return pupil.enrollment_end >= clock.school_day(now)


def authenticate(
    session: Session,
    username: object,
    password: object,
    *,
    client: Client | None = None,
    now: datetime | None = None,
) -> LoginResult:
    """Check a pupil's login, throttled per (name, client); set `Laatste aanmelding`; audit.

    Unknown names, inactive accounts and wrong passwords get the same message, the same
    throttling and an argon2 verification each. The caller commits, also after a failure.

    Args:
        session: The caller's database session.
        username: The typed username (case and surrounding spaces ignored).
        password: The typed password.
        client: Who is trying (device cookie or address); an unknown client by default.
        now: The time of the attempt (timezone-aware); defaults to the clock.

    Returns:
        The account id and a device cookie on success; otherwise the Dutch error and, when
        blocked, the seconds until this client may try again.
    """
    now = clock.now_or(now)
    typed = username if isinstance(username, str) else ""
    password = password if isinstance(password, str) else ""
    key = login_key(typed)
    client = client or Client(key="ip:unknown", trusted=False)
    hashing = get_password_hashing()

    if not client.trusted and not work_limit().try_acquire(PUPIL_REALM):
        log.warning("pupil login refused: global login work limit reached")
        return LoginResult(None, MSG_LOGIN_BUSY, 1.0)

    policy = throttle_policy()
    account: LeerIDAccount | None = None
    pupil: Pupil | None = None

    def refuse(reason: str, delay: float) -> LoginResult:
        record_event(
            session,
            action=AuditAction.PUPIL_LOGIN_FAILED,
            actor_administrator_id=None,
            actor_username=PUPIL_ACTOR,
            school_id=pupil.school_id if pupil else None,
            pupil_id=pupil.id if pupil else None,
            details={"reason": reason},
            now=now,
        )
        if reason == "throttled":
            seconds = throttle.throttled_seconds_text(delay)
            return LoginResult(None, MSG_LOGIN_THROTTLED.format(seconds=seconds), delay)
        return LoginResult(None, MSG_LOGIN_FAILED, delay)

    # Look and hash before taking any lock: SQLite has one write lock for the whole database,
    # and hashing while holding it would let one pupil of the school log in at a time.
    too_long = len(typed) > MAX_USERNAME_CHARS * 2 or len(password) > OWN_PASSWORD_MAX_LENGTH
    found = None if too_long else _find_account(session, key)
    with Session(_reader_of(session)) as reader:
        wait = throttle.peek_seconds_blocked(
            reader, PUPIL_REALM, key, client, policy=policy, now=now
        )
    verified, reason, seen_hash = False, "throttled", None
    if wait <= 0:
        if too_long:
            hashing.verify(_dummy_password_hash(), "")  # never hash huge input
            reason = "too_long"
        elif found is None:
            hashing.verify(_dummy_password_hash(), password)
            reason = "unknown_username"
        else:
            seen_hash = found[0].password_hash
            verified, reason = hashing.verify(seen_hash, password), "wrong_password"

    # The locked decision: a guess verified meanwhile counts only if the client still may try.
    attempt = throttle.begin_attempt(session, PUPIL_REALM, key, client, policy=policy, now=now)
    if found is not None:
        account = session.get(LeerIDAccount, found[0].id)
        pupil = session.get(Pupil, found[1].id)
    wait = attempt.seconds_blocked
    if wait > 0:
        return refuse("throttled", wait)  # no guess at all while blocked
    if verified and (account is None or account.password_hash != seen_hash):
        verified = False  # the password changed while this one was being checked
    if verified and pupil is not None and not is_active(pupil, now):
        verified, reason = False, "inactive"
    if not verified or account is None or account.id is None or pupil is None:
        return refuse(reason, attempt.failed())

    attempt.succeeded()
    account.last_login_at = now
    session.add(account)
    record_event(
        session,
        action=AuditAction.PUPIL_LOGIN,
        actor_administrator_id=None,
        actor_username=PUPIL_ACTOR,
        school_id=pupil.school_id,
        pupil_id=pupil.id,
        now=now,
    )
    cookie = throttle.issue_device_cookie(hashing.pepper, PUPIL_REALM, key)
    return LoginResult(account.id, None, 0.0, device_cookie=cookie)


def _reader_of(session: Session):
    """The session's engine for a read that never waits for (or takes) the write lock."""
    return session.get_bind().execution_options(**{READ_ONLY: True})


def _find_account(session: Session, key: str) -> tuple[LeerIDAccount, Pupil] | None:
    """The account of a login name and its pupil, read without locking."""
    with Session(_reader_of(session), expire_on_commit=False) as reader:
        found = reader.exec(
            select(LeerIDAccount, Pupil)
            .join(Pupil, Pupil.id == LeerIDAccount.pupil_id)  # type: ignore[arg-type]
            .where(LeerIDAccount.username == key)
        ).first()
        if found is not None:
            reader.expunge_all()
        return found


def start_session(session: Session, account_id: int, *, now: datetime | None = None) -> str:
    """Open a Leerlingloket session for a logged-in pupil; returns the browser's token.

    Raises:
        NotAllowed: If the account does not exist.
    """
    now = clock.now_or(now)
    if session.get(LeerIDAccount, account_id) is None:
        raise NotAllowed(MSG_LOGIN_FAILED)
    token = sessions.new_token()
    session.add(
        PupilSession(
            token_hash=sessions.token_hash(token),
            account_id=account_id,
            created_at=now,
            last_seen_at=now,
        )
    )
    session.flush()
    return token


def _reissued_since(account: LeerIDAccount, row: PupilSession) -> bool:
    """Whether the school issued a new password after this session began: whoever was logged
    in (perhaps someone who had the old one, the slip's warning) is out."""
    changed = account.password_changed_at
    return (
        account.password_type is not PasswordType.EIGEN
        and changed is not None
        and clock.as_utc(changed) > clock.as_utc(row.created_at)
    )


def resolve_session(
    session: Session, token: object, *, now: datetime | None = None
) -> PupilContext | None:
    """Check a browser's pupil session token; None when the pupil must log in (again).

    Ends sessions that idled or lived too long, those of an account that became inactive or
    is gone, and those older than a password the school issued since. May write; the caller
    commits.
    """
    now = clock.now_or(now)
    row = sessions.find(session, PupilSession, token)
    if row is None or row.ended_at is not None or row.id is None:
        return None
    found = session.exec(
        select(LeerIDAccount, Pupil)
        .join(Pupil, Pupil.id == LeerIDAccount.pupil_id)  # type: ignore[arg-type]
        .where(LeerIDAccount.id == row.account_id)
    ).first()
    if (
        sessions.expiry_reason(row, session_policy(), now) is not None
        or found is None
        or not is_active(found[1], now)
        or _reissued_since(found[0], row)
    ):
        sessions.end(row, now)
        session.add(row)
        return None
    account, pupil = found
    assert account.id is not None and pupil.id is not None
    sessions.touch(row, now)
    session.add(row)
    return PupilContext(
        session_id=row.id,
        account_id=account.id,
        pupil_id=pupil.id,
        school_id=pupil.school_id,
        username=account.username,
    )


def end_session(session: Session, token: object, *, now: datetime | None = None) -> None:
    """Log out: end the session on the server (audited); unknown tokens are ignored."""
    now = clock.now_or(now)
    row = sessions.find(session, PupilSession, token)
    if row is None or row.ended_at is not None:
        return
    sessions.end(row, now)
    session.add(row)
    account = session.get(LeerIDAccount, row.account_id)
    pupil = session.get(Pupil, account.pupil_id) if account else None
    record_event(
        session,
        action=AuditAction.PUPIL_LOGOUT,
        actor_administrator_id=None,
        actor_username=PUPIL_ACTOR,
        school_id=pupil.school_id if pupil else None,
        pupil_id=pupil.id if pupil else None,
        now=now,
    )


def end_sessions_of(
    session: Session, account_id: int, *, keep_session_id: int | None = None, now: datetime
) -> int:
    """End every open session of an account but ``keep_session_id``; how many ended."""
    return sessions.end_all(
        session, PupilSession, PupilSession.account_id, account_id, now, keep_id=keep_session_id
    )
