"""Failed-login throttling per (realm, name, client) with a cap per name, and a global work limit.

A client is a device that proved itself by an earlier login (a signed device cookie), else its
network address. Failures slow down only that client for that name, so someone typing the
administrator's name on another machine cannot keep the owner out; all untrusted clients
together also share one row per name with a higher allowance, so many addresses do not add up
to many guesses. A device cookie of the name skips that shared row (OWASP "device cookies").
The global limit bounds the argon2 work any flood of unauthenticated attempts can cause.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from limits import RateLimitItemPerSecond, storage, strategies
from sqlalchemy import delete, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from leerid_app.models import LoginThrottle
from leerid_app.services import clock
from leerid_app.settings import Settings, get_settings


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a login attempt in any realm; ``error`` is the Dutch message to show."""

    # Who logged in: the administrator's id, or the pupil's LeerID account id.
    subject_id: int | None
    error: str | None
    retry_after_seconds: float = 0.0
    # After a success: the device cookie that lets this device past the name-wide throttle.
    device_cookie: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the attempt logged someone in."""
        return self.subject_id is not None and self.error is None


NAME_WIDE = "*"  # the client key of the row all untrusted clients of a name share
LOGIN_KEY_MAX_CHARS = 120  # LoginThrottle.login_key
CLIENT_KEY_MAX_CHARS = 80  # LoginThrottle.client_key
# A failure this long after the previous one starts the count afresh, so a few typos spread
# over months never add up to a lock-out; an attacker gains at most a few tries a day.
FORGET_AFTER = timedelta(hours=24)
# Pruning is one DELETE; doing it at most this often keeps it out of the hot path.
PRUNE_EVERY = timedelta(minutes=5)
DEVICE_COOKIE_DAYS = 180


def login_key(username: object) -> str:
    """The normalised login name: case and surrounding spaces ignored, bounded length."""
    return username.strip().lower()[:LOGIN_KEY_MAX_CHARS] if isinstance(username, str) else ""


@dataclass(frozen=True)
class ThrottlePolicy:
    """Allowances and delays of one realm."""

    free_attempts: int
    name_free_attempts: int
    base_delay_seconds: float
    max_delay_seconds: float
    # Whether the name-wide row also blocks a client that never failed for this name. Off for
    # pupils: a classmate typing someone's name on their own device must not keep the owner
    # out on another one (each fresh client then gains one guess; the work limit bounds them).
    name_row_blocks_fresh_clients: bool = True

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> ThrottlePolicy:
        """The policy the settings describe."""
        settings = settings or get_settings()
        return cls(
            free_attempts=settings.login_free_attempts,
            name_free_attempts=settings.login_name_free_attempts,
            base_delay_seconds=settings.login_base_delay_seconds,
            max_delay_seconds=settings.login_max_delay_seconds,
        )

    def delay(self, failures: int, free_attempts: int) -> float:
        """Seconds to block after the ``failures``-th consecutive failure.

        The first ``free_attempts - 1`` failures cost nothing; failing the last free attempt
        blocks for the base delay, and each further failure doubles it, up to the cap.
        """
        extra = failures - free_attempts
        if extra < 0:
            return 0.0
        # Cap the exponent first: 2.0 ** 2000 would overflow a float.
        return min(self.base_delay_seconds * 2.0 ** min(extra, 64), self.max_delay_seconds)


# --- Clients ----------------------------------------------------------------------------------


def _device_key(pepper: bytes) -> bytes:
    # A key of its own, derived from the pepper, so a device cookie reveals nothing about hashes.
    return hmac.new(pepper, b"leerid device cookie v1", hashlib.sha256).digest()


def issue_device_cookie(pepper: bytes, realm: str, name: str) -> str:
    """A cookie value proving this device logged in as ``name`` of ``realm`` before."""
    nonce = secrets.token_urlsafe(12)
    issued = int(clock.now().timestamp())
    mac = _device_mac(pepper, realm, login_key(name), nonce, issued)
    return f"{nonce}.{issued}.{mac}"


def _device_mac(pepper: bytes, realm: str, name: str, nonce: str, issued: int) -> str:
    message = f"{realm}\x1f{name}\x1f{nonce}\x1f{issued}".encode()
    return hmac.new(_device_key(pepper), message, hashlib.sha256).hexdigest()[:32]


def device_id(pepper: bytes, realm: str, name: str, cookie: object) -> str | None:
    """The device's id when ``cookie`` is a valid, unexpired device cookie for this name."""
    if not isinstance(cookie, str) or len(cookie) > 100 or cookie.count(".") != 2:
        return None
    nonce, issued_text, mac = cookie.split(".")
    if not issued_text.isascii() or not issued_text.isdigit():
        return None
    issued = int(issued_text)
    expected = _device_mac(pepper, realm, login_key(name), nonce, issued)
    age = clock.now().timestamp() - issued
    if not hmac.compare_digest(expected, mac) or not 0 <= age <= DEVICE_COOKIE_DAYS * 86400:
        return None
    return nonce


@dataclass(frozen=True)
class Client:
    """Who is trying: a trusted device of this name, or an untrusted network address."""

    key: str
    trusted: bool

    @classmethod
    def of(
        cls, *, pepper: bytes, realm: str, name: str, device_cookie: object, address: object
    ) -> Client:
        """The client of an attempt from its device cookie and network address."""
        device = device_id(pepper, realm, name, device_cookie)
        if device is not None:
            return cls(key=f"device:{device}", trusted=True)
        text = address if isinstance(address, str) and address else "unknown"
        return cls(key=f"ip:{text}"[:CLIENT_KEY_MAX_CHARS], trusted=False)


# --- Rows -------------------------------------------------------------------------------------


def _acquire(session: Session, realm: str, name: str, client_key: str) -> LoginThrottle:
    """The throttle row, created if needed and locked for this transaction.

    Locking (SELECT … FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writers
    anyway) makes parallel guesses queue up instead of all passing the check.
    """
    statement = (
        select(LoginThrottle)
        .where(
            LoginThrottle.realm == realm,
            LoginThrottle.login_key == name,
            LoginThrottle.client_key == client_key,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    row = session.exec(statement).first()
    if row is None:
        try:
            # A savepoint: losing the race to create the row must not spoil the transaction.
            with session.begin_nested():
                session.add(
                    LoginThrottle(realm=realm, login_key=name, client_key=client_key, failures=0)
                )
        except IntegrityError:
            pass
        row = session.exec(statement).one()
    return row


def _seconds_blocked(row: LoginThrottle, now: datetime) -> float:
    if row.blocked_until is None:
        return 0.0
    return max(0.0, (clock.as_utc(row.blocked_until) - now).total_seconds())


def _fail(row: LoginThrottle, now: datetime, policy: ThrottlePolicy, free_attempts: int) -> float:
    if row.last_failure_at is not None and now - clock.as_utc(row.last_failure_at) > FORGET_AFTER:
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    delay = policy.delay(row.failures, free_attempts)
    row.blocked_until = now + timedelta(seconds=delay) if delay > 0 else None
    return delay


@dataclass
class Attempt:
    """The locked throttle rows of one login attempt; check, then record the outcome."""

    session: Session
    client: Client
    policy: ThrottlePolicy
    now: datetime
    client_row: LoginThrottle
    name_row: LoginThrottle | None

    @property
    def seconds_blocked(self) -> float:
        """Seconds until this client may try this name again; 0.0 when it may now."""
        waits = [_seconds_blocked(self.client_row, self.now)]
        fresh = self.client_row.failures == 0
        if self.name_row is not None and (self.policy.name_row_blocks_fresh_clients or not fresh):
            waits.append(_seconds_blocked(self.name_row, self.now))
        return max(waits)

    def failed(self) -> float:
        """Count a failure for this client and, when untrusted, for the name; the delay now."""
        delay = _fail(self.client_row, self.now, self.policy, self.policy.free_attempts)
        if self.name_row is not None:
            delay = max(
                delay, _fail(self.name_row, self.now, self.policy, self.policy.name_free_attempts)
            )
        return delay

    def succeeded(self) -> None:
        """Forget this client's failures (the row goes); the name-wide count runs its course."""
        self.session.delete(self.client_row)


def begin_attempt(
    session: Session,
    realm: str,
    name: str,
    client: Client,
    *,
    policy: ThrottlePolicy | None = None,
    now: datetime | None = None,
) -> Attempt:
    """Lock the rows that decide whether ``client`` may try ``name`` now.

    Args:
        session: The caller's database session; the caller commits (also after a failure).
        realm: ``"admin"`` or ``"pupil"``.
        name: The normalised login name (``login_key``).
        client: The client making the attempt.
        policy: The realm's allowances; defaults to the settings.
        now: The time of the attempt; defaults to the clock.

    Returns:
        The attempt, to check ``seconds_blocked`` and then record ``failed`` or ``succeeded``.
    """
    now = clock.now_or(now)
    _maybe_prune(session, now)
    name_row = None if client.trusted else _acquire(session, realm, name, NAME_WIDE)
    return Attempt(
        session=session,
        client=client,
        policy=policy or ThrottlePolicy.from_settings(),
        now=now,
        client_row=_acquire(session, realm, name, client.key),
        name_row=name_row,
    )


def peek_seconds_blocked(
    session: Session,
    realm: str,
    name: str,
    client: Client,
    *,
    policy: ThrottlePolicy | None = None,
    now: datetime | None = None,
) -> float:
    """A look without locking or writing: how long ``client`` is blocked for ``name`` now.

    Lets a realm skip the password hash of a blocked client before it takes any lock; the
    locked ``begin_attempt`` afterwards remains the decision.
    """
    now = clock.now_or(now)
    policy = policy or ThrottlePolicy.from_settings()
    keys = [client.key] if client.trusted else [client.key, NAME_WIDE]
    rows = {
        row.client_key: row
        for row in session.exec(
            select(LoginThrottle).where(
                LoginThrottle.realm == realm,
                LoginThrottle.login_key == name,
                col(LoginThrottle.client_key).in_(keys),
            )
        ).all()
    }
    own = rows.get(client.key)
    waits = [_seconds_blocked(own, now)] if own is not None else [0.0]
    fresh = own is None or own.failures == 0
    name_row = rows.get(NAME_WIDE)
    if name_row is not None and (policy.name_row_blocks_fresh_clients or not fresh):
        waits.append(_seconds_blocked(name_row, now))
    return max(waits)


_last_prune: datetime | None = None
_prune_lock = threading.Lock()


def prune(session: Session, *, now: datetime | None = None) -> int:
    """Delete rows that no longer block and whose failures are forgotten; the count deleted."""
    now = clock.now_or(now)
    result = session.exec(  # type: ignore[call-overload]
        delete(LoginThrottle).where(
            or_(col(LoginThrottle.blocked_until).is_(None), col(LoginThrottle.blocked_until) < now),
            or_(
                col(LoginThrottle.last_failure_at).is_(None),
                col(LoginThrottle.last_failure_at) < now - FORGET_AFTER,
            ),
        )
    )
    return int(result.rowcount or 0)


def _maybe_prune(session: Session, now: datetime) -> None:
    global _last_prune
    with _prune_lock:
        if _last_prune is not None and timedelta(0) <= now - _last_prune < PRUNE_EVERY:
            return
        _last_prune = now
    prune(session, now=now)


def throttled_seconds_text(retry_after_seconds: float) -> int:
    """Whole seconds to show, rounded up, at least 1."""
    return max(1, math.ceil(retry_after_seconds))


# --- Global limit on unauthenticated work -----------------------------------------------------


class WorkLimit:
    """A moving-window limit on login attempts per realm, over all names and clients.

    In memory for one worker; with several workers point it at the Redis that Reflex uses, so
    the limit is global there too (``limits`` storage URI).
    """

    def __init__(self, per_second: int, storage_uri: str = "memory://") -> None:
        self._item = RateLimitItemPerSecond(per_second)
        self._limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))

    def try_acquire(self, realm: str) -> bool:
        """Take one unit of login work for ``realm``; False when the realm is over its limit."""
        return self._limiter.hit(self._item, "leerid-login-work", realm)


_work_limit: WorkLimit | None = None
_work_limit_lock = threading.Lock()


def work_limit() -> WorkLimit:
    """The process's work limit, made from the settings on first use."""
    global _work_limit
    with _work_limit_lock:
        if _work_limit is None:
            settings = get_settings()
            _work_limit = WorkLimit(settings.login_work_per_second, settings.login_limit_storage)
        return _work_limit
