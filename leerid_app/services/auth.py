"""Administrator login with throttling, server-side sessions, school scope and admin management."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from leerid_app.models import (
    Administrator,
    AdministratorSchool,
    AdminSession,
    LoginThrottle,
    Pupil,
    School,
)
from leerid_app.services.audit import AuditAction, record_event
from leerid_app.services.errors import DomainError, NotAllowed, NotFound
from leerid_app.services.hashing import get_password_hashing
from leerid_app.settings import Settings, get_settings

LOGIN_FAILED_MESSAGE = "Onjuiste gebruikersnaam of wachtwoord."
LOGIN_THROTTLED_MESSAGE = (
    "Te veel mislukte aanmeldpogingen. Probeer het opnieuw over {seconds} seconden."
)
SESSION_EXPIRED_MESSAGE = "Je sessie is verlopen. Meld je opnieuw aan."
NOT_SCHOOL_ADMIN_MESSAGE = "Je bent geen beheerder van deze instelling."
INVALID_REQUEST_MESSAGE = "Ongeldige aanvraag."
PUPIL_NOT_IN_SCHOOL_MESSAGE = "Deze leerling bestaat niet in je instelling."

ADMIN_REALM = "admin"
MAX_USERNAME_CHARS = 80
MAX_PASSWORD_CHARS = 256
MIN_ADMIN_PASSWORD_CHARS = 12
MAX_DISPLAY_NAME_CHARS = 120
LOGIN_KEY_MAX_CHARS = 120  # LoginThrottle.login_key
# A failure this long after the previous one starts the count afresh, so a few typos spread
# over months never add up to a lock-out; an attacker gains at most a few tries a day.
THROTTLE_FORGET_AFTER = timedelta(hours=24)
# Touching last_seen_at on every click would be one write per click; this is plenty precise
# against an idle limit counted in minutes.
SESSION_TOUCH_INTERVAL = timedelta(seconds=30)
# Pupil.id is a 32-bit INTEGER; a larger number would make PostgreSQL raise instead of refuse.
MAX_DATABASE_ID = 2**31 - 1

_ADMIN_USERNAME = re.compile(r"[a-z0-9._-]{3,80}")
# secrets.token_urlsafe(32) gives 43 characters of this alphabet; allow some slack.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,128}")


# --- Result and view types ------------------------------------------------------------------


@dataclass(frozen=True)
class AuthResult:
    """The outcome of a login attempt; ``error`` is the Dutch message to show, if any."""

    administrator_id: int | None
    error: str | None
    retry_after_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the attempt logged the administrator in."""
        return self.administrator_id is not None and self.error is None


@dataclass(frozen=True)
class SchoolChoice:
    """A school an administrator may switch to."""

    id: int
    name: str


@dataclass(frozen=True)
class AdminContext:
    """Who is logged in and which school they work in, as checked on the server just now."""

    session_id: int
    administrator_id: int
    username: str
    display_name: str
    school_id: int
    school_name: str
    schools: tuple[SchoolChoice, ...]


@dataclass(frozen=True)
class AdministratorSummary:
    """An administrator as the CLI lists them."""

    id: int
    username: str
    display_name: str
    is_active: bool
    schools: tuple[str, ...]


# --- Small helpers -----------------------------------------------------------------------------


def _as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes from timezone-aware columns; they were stored as UTC.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _now(now: datetime | None) -> datetime:
    return _as_utc(now) if now is not None else datetime.now(UTC)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _login_key(username: str) -> str:
    return username.strip().lower()[:LOGIN_KEY_MAX_CHARS]


@lru_cache(maxsize=1)
def _dummy_password_hash() -> str:
    # Made once, lazily: verifying against it costs what verifying a real hash costs, so the
    # response time does not tell whether a username exists.
    return get_password_hashing().hash(secrets.token_urlsafe(24))


def _schools_of(session: Session, administrator_id: int) -> tuple[SchoolChoice, ...]:
    rows = session.exec(
        select(School.id, School.name)
        .join(AdministratorSchool, col(AdministratorSchool.school_id) == col(School.id))
        .where(AdministratorSchool.administrator_id == administrator_id)
    ).all()
    # Sorted in Python so SQLite and PostgreSQL (whose collations differ) agree on "first".
    return tuple(
        sorted(
            (SchoolChoice(id=school_id, name=name) for school_id, name in rows),
            key=lambda choice: (choice.name.casefold(), choice.name, choice.id),
        )
    )


# --- Throttling (reusable for the pupil realm) ------------------------------------------------


def failure_delay_seconds(failures: int, settings: Settings | None = None) -> float:
    """How long a login name is blocked after its ``failures``-th consecutive failure.

    The first ``login_free_attempts - 1`` failures cost nothing; failing the last free attempt
    blocks for the base delay, and each further failure doubles it, up to the cap.

    Args:
        failures: Consecutive failures so far, including the one just made.
        settings: The settings to use; defaults to the process settings.

    Returns:
        Seconds to block the name (0.0 while within the free attempts).
    """
    settings = settings or get_settings()
    extra = failures - settings.login_free_attempts
    if extra < 0:
        return 0.0
    # Cap the exponent first: 2.0 ** 2000 would overflow a float.
    delay = settings.login_base_delay_seconds * 2.0 ** min(extra, 64)
    return min(delay, settings.login_max_delay_seconds)


def acquire_login_throttle(session: Session, realm: str, login_key: str) -> LoginThrottle:
    """The throttle row of a login name, created if needed and locked for this transaction.

    Locking (SELECT … FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writers
    anyway) makes parallel guesses for one name queue up instead of all passing the check.

    Args:
        session: The caller's database session.
        realm: ``"admin"`` or ``"pupil"``.
        login_key: The normalised login name.

    Returns:
        The locked LoginThrottle row.
    """
    statement = (
        select(LoginThrottle)
        .where(LoginThrottle.realm == realm, LoginThrottle.login_key == login_key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    row = session.exec(statement).first()
    if row is None:
        try:
            # A savepoint: losing the race to create the row must not spoil the transaction.
            with session.begin_nested():
                session.add(LoginThrottle(realm=realm, login_key=login_key, failures=0))
        except IntegrityError:
            pass
        row = session.exec(statement).one()
    return row


def seconds_blocked(row: LoginThrottle, now: datetime) -> float:
    """Seconds until the name may try again; 0.0 when it is not blocked."""
    if row.blocked_until is None:
        return 0.0
    return max(0.0, (_as_utc(row.blocked_until) - _as_utc(now)).total_seconds())


def record_login_failure(row: LoginThrottle, now: datetime) -> float:
    """Count one failure on the (locked) row and block the name accordingly.

    Returns:
        The delay now imposed, in seconds (0.0 within the free attempts).
    """
    now = _as_utc(now)
    if row.last_failure_at is not None and now - _as_utc(row.last_failure_at) > (
        THROTTLE_FORGET_AFTER
    ):
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    delay = failure_delay_seconds(row.failures)
    row.blocked_until = now + timedelta(seconds=delay) if delay > 0 else None
    return delay


def clear_login_failures(row: LoginThrottle) -> None:
    """Forget the failures of a name after a successful login."""
    row.failures = 0
    row.blocked_until = None


def throttled_message(retry_after_seconds: float) -> str:
    """The Dutch "too many attempts" message, in whole seconds rounded up."""
    return LOGIN_THROTTLED_MESSAGE.format(seconds=max(1, math.ceil(retry_after_seconds)))


# --- Login ------------------------------------------------------------------------------------


def authenticate(
    session: Session, username: str, password: str, *, now: datetime | None = None
) -> AuthResult:
    """Check an administrator's login, throttled per login name, and audit the outcome.

    Known and unknown names behave the same: same message, same throttling, and an argon2
    verification either way. Writes the throttle row and an audit event; the caller commits
    (also on failure, or the failure count is lost).

    Args:
        session: The caller's database session.
        username: The typed username (case and surrounding spaces ignored).
        password: The typed password.
        now: The time of the attempt (timezone-aware); defaults to the current UTC time.

    Returns:
        The administrator's id on success; otherwise the Dutch error and, when the name is
        blocked, the seconds until it may try again.
    """
    now = _now(now)
    typed = username if isinstance(username, str) else ""
    password = password if isinstance(password, str) else ""
    key = _login_key(typed)
    hashing = get_password_hashing()

    def audit_failure(reason: str) -> None:
        record_event(
            session,
            action=AuditAction.LOGIN_FAILED,
            actor_administrator_id=None,
            actor_username=key[:MAX_USERNAME_CHARS],
            details={"username": typed[:MAX_USERNAME_CHARS], "reason": reason},
            now=now,
        )

    throttle = acquire_login_throttle(session, ADMIN_REALM, key)
    wait = seconds_blocked(throttle, now)
    if wait > 0:
        # Refused without verifying: a blocked name gets no guesses at all.
        audit_failure("throttled")
        return AuthResult(None, throttled_message(wait), wait)

    administrator: Administrator | None = None
    if len(typed) > MAX_USERNAME_CHARS or len(password) > MAX_PASSWORD_CHARS:
        # Never hash huge input (a cheap way to burn CPU); verify a short stand-in instead so
        # the refusal takes as long as any other.
        hashing.verify(_dummy_password_hash(), "")
        reason = "too_long"
        verified = False
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
        delay = record_login_failure(throttle, now)
        audit_failure(reason)
        return AuthResult(None, LOGIN_FAILED_MESSAGE, delay)

    clear_login_failures(throttle)
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
    return AuthResult(administrator.id, None, 0.0)


# --- Sessions ---------------------------------------------------------------------------------


def start_session(session: Session, administrator_id: int, *, now: datetime | None = None) -> str:
    """Open a server-side session for a logged-in administrator.

    Args:
        session: The caller's database session; the caller commits.
        administrator_id: The administrator ``authenticate`` returned.
        now: The start time (timezone-aware); defaults to the current UTC time.

    Returns:
        The fresh session token for the browser (256 random bits); only its SHA-256 is stored.

    Raises:
        NotAllowed: If the administrator does not exist or is inactive.
    """
    now = _now(now)
    administrator = session.get(Administrator, administrator_id)
    if administrator is None or not administrator.is_active:
        raise NotAllowed(LOGIN_FAILED_MESSAGE)
    schools = _schools_of(session, administrator_id)
    token = secrets.token_urlsafe(32)
    session.add(
        AdminSession(
            token_hash=_token_hash(token),
            administrator_id=administrator_id,
            current_school_id=schools[0].id if schools else None,
            created_at=now,
            last_seen_at=now,
        )
    )
    session.flush()
    return token


def _find_session(session: Session, token: object) -> AdminSession | None:
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        return None
    return session.exec(
        select(AdminSession).where(AdminSession.token_hash == _token_hash(token))
    ).first()


def _expire(
    session: Session, row: AdminSession, actor_username: str, reason: str, now: datetime
) -> None:
    row.ended_at = now
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

    Args:
        session: The caller's database session.
        token: The token from the browser, possibly missing or forged.
        now: The time of the request (timezone-aware); defaults to the current UTC time.

    Returns:
        The context of a live session, or None when the caller must show the login page.
    """
    now = _now(now)
    row = _find_session(session, token)
    if row is None or row.ended_at is not None or row.id is None:
        return None
    settings = get_settings()
    administrator = session.get(Administrator, row.administrator_id)
    actor = administrator.username if administrator is not None else ""
    if now - _as_utc(row.last_seen_at) > timedelta(minutes=settings.session_idle_minutes):
        _expire(session, row, actor, "idle", now)
        return None
    if now - _as_utc(row.created_at) > timedelta(hours=settings.session_absolute_hours):
        _expire(session, row, actor, "absolute", now)
        return None
    if administrator is None or not administrator.is_active:
        _expire(session, row, actor, "inactive", now)
        return None
    schools = _schools_of(session, row.administrator_id)
    if not schools:
        _expire(session, row, actor, "no_school", now)
        return None
    current = next((s for s in schools if s.id == row.current_school_id), schools[0])
    if current.id != row.current_school_id:
        row.current_school_id = current.id  # access to the old one was revoked
    if now - _as_utc(row.last_seen_at) > SESSION_TOUCH_INTERVAL:
        row.last_seen_at = now
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
    """Log out: end the session on the server (audited LOGOUT); unknown tokens are ignored.

    Args:
        session: The caller's database session; the caller commits.
        token: The browser's session token.
        now: The time of the logout (timezone-aware); defaults to the current UTC time.
    """
    now = _now(now)
    row = _find_session(session, token)
    if row is None or row.ended_at is not None:
        return
    row.ended_at = now
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


def _deny(
    session: Session, context: AdminContext, details: dict[str, object], now: datetime
) -> None:
    record_event(
        session,
        action=AuditAction.ACCESS_DENIED,
        actor_administrator_id=context.administrator_id,
        actor_username=context.username,
        school_id=context.school_id,
        details=details,
        now=now,
    )


def _is_database_id(value: object) -> bool:
    # type() rather than isinstance(): True is an int too, and must not mean pupil 1.
    return type(value) is int and 0 < value <= MAX_DATABASE_ID


def switch_school(
    session: Session, token: str | None, school_id: int, *, now: datetime | None = None
) -> AdminContext:
    """Make another of the administrator's schools the current one (Wijzig instelling).

    A refusal is audited ACCESS_DENIED; the caller must still commit when it catches the
    error, or the audit event is rolled back with it.

    Args:
        session: The caller's database session; the caller commits.
        token: The browser's session token.
        school_id: The school to switch to (any value the browser sent).
        now: The time of the request (timezone-aware); defaults to the current UTC time.

    Returns:
        The context with the new current school.

    Raises:
        NotAllowed: If the session is not live, or the administrator does not administer
            the school.
    """
    now = _now(now)
    context = resolve_session(session, token, now=now)
    if context is None:
        raise NotAllowed(SESSION_EXPIRED_MESSAGE)
    target = next(
        (s for s in context.schools if _is_database_id(school_id) and s.id == school_id), None
    )
    if target is None:
        _deny(
            session,
            context,
            {"reason": "school_not_administered", "argument": repr(school_id)[:100]},
            now,
        )
        raise NotAllowed(NOT_SCHOOL_ADMIN_MESSAGE)
    row = session.get(AdminSession, context.session_id)
    if row is None:  # resolve_session just found it; only a concurrent delete gets here
        raise NotAllowed(SESSION_EXPIRED_MESSAGE)
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


def require_pupil_in_scope(
    session: Session, context: AdminContext, pupil_id: object, *, now: datetime | None = None
) -> Pupil:
    """Load a pupil only if the id is well-formed and the pupil belongs to the current school.

    Every event handler calls this with whatever the browser sent. A refusal is audited
    ACCESS_DENIED; the caller must still commit when it catches the error, or the audit
    event is rolled back with it.

    Args:
        session: The caller's database session.
        context: The live context from ``resolve_session``.
        pupil_id: The raw argument from the browser.
        now: The time of the request (timezone-aware); defaults to the current UTC time.

    Returns:
        The pupil.

    Raises:
        NotAllowed: If ``pupil_id`` is not a positive int (bools, strings, None refused).
        NotFound: If no pupil with that id exists in the administrator's current school.
    """
    now = _now(now)
    argument = repr(pupil_id)[:100]
    if not _is_database_id(pupil_id):
        _deny(session, context, {"reason": "invalid_argument", "argument": argument}, now)
        raise NotAllowed(INVALID_REQUEST_MESSAGE)
    pupil = session.get(Pupil, pupil_id)
    if pupil is None or pupil.school_id != context.school_id:
        # The pupil id goes into the details only: linking the event to another school's
        # pupil would show that pupil's name in this school's Logboek.
        _deny(session, context, {"reason": "pupil_not_in_school", "argument": argument}, now)
        raise NotFound(PUPIL_NOT_IN_SCHOOL_MESSAGE)
    return pupil


# --- Administrator management (CLI) ----------------------------------------------------------


def _validate_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_ADMIN_PASSWORD_CHARS:
        raise DomainError(
            f"Het wachtwoord moet minstens {MIN_ADMIN_PASSWORD_CHARS} tekens lang zijn."
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise DomainError(f"Het wachtwoord mag hoogstens {MAX_PASSWORD_CHARS} tekens lang zijn.")


def _get_administrator(session: Session, username: str) -> Administrator:
    key = _login_key(username) if isinstance(username, str) else ""
    administrator = session.exec(select(Administrator).where(Administrator.username == key)).first()
    if administrator is None:
        raise DomainError(f"Beheerder '{username}' bestaat niet.")
    return administrator


def _get_school(session: Session, school_name_or_id: str | int) -> School:
    if isinstance(school_name_or_id, int):
        valid = _is_database_id(school_name_or_id)
        school = session.get(School, school_name_or_id) if valid else None
    else:
        text = str(school_name_or_id).strip()
        # The exact name first, so a school whose name is a number is still found by name.
        school = session.exec(select(School).where(School.name == text)).first()
        if school is None and text.isascii() and text.isdigit() and _is_database_id(int(text)):
            school = session.get(School, int(text))
    if school is None:
        raise DomainError(f"Instelling '{school_name_or_id}' bestaat niet.")
    return school


def create_administrator(
    session: Session,
    username: str,
    display_name: str,
    password: str,
    *,
    now: datetime | None = None,
) -> Administrator:
    """Create an administrator (without schools; see ``grant_school``).

    Args:
        session: The caller's database session; the caller commits.
        username: 3–80 characters of a-z, 0-9, ``.``, ``_``, ``-`` (stored in lower case).
        display_name: The name shown in the app, 1–120 characters.
        password: At least 12 and at most 256 characters.
        now: The creation time (timezone-aware); defaults to the current UTC time.

    Returns:
        The new, flushed Administrator.

    Raises:
        DomainError: If a value breaks the rules or the username is taken.
    """
    key = _login_key(username) if isinstance(username, str) else ""
    if not _ADMIN_USERNAME.fullmatch(key):
        raise DomainError(
            "De gebruikersnaam moet 3 tot 80 tekens lang zijn en mag alleen kleine letters, "
            "cijfers, punten, liggende streepjes en koppeltekens bevatten."
        )
    name = display_name.strip() if isinstance(display_name, str) else ""
    if not name or len(name) > MAX_DISPLAY_NAME_CHARS or not name.isprintable():
        raise DomainError(f"De naam moet 1 tot {MAX_DISPLAY_NAME_CHARS} gewone tekens lang zijn.")
    _validate_password(password)
    taken = DomainError(f"De gebruikersnaam '{key}' is al in gebruik.")
    if session.exec(select(Administrator.id).where(Administrator.username == key)).first():
        raise taken
    administrator = Administrator(
        username=key,
        display_name=name,
        password_hash=get_password_hashing().hash(password),
        is_active=True,
        created_at=_now(now),
    )
    try:
        # A savepoint, so a concurrent creation of the same name leaves the session usable.
        with session.begin_nested():
            session.add(administrator)
    except IntegrityError as error:
        raise taken from error
    return administrator


def set_administrator_password(
    session: Session, username: str, password: str, *, now: datetime | None = None
) -> None:
    """Give an administrator a new password and end all their open sessions.

    Args:
        session: The caller's database session; the caller commits.
        username: The administrator's username.
        password: The new password, 12–256 characters.
        now: The time of the change (timezone-aware); defaults to the current UTC time.

    Raises:
        DomainError: If the administrator does not exist or the password is too short/long.
    """
    administrator = _get_administrator(session, username)
    _validate_password(password)
    administrator.password_hash = get_password_hashing().hash(password)
    session.add(administrator)
    # Whoever knew the old password must not stay logged in.
    for row in session.exec(
        select(AdminSession).where(
            AdminSession.administrator_id == administrator.id,
            col(AdminSession.ended_at).is_(None),
        )
    ).all():
        row.ended_at = _now(now)
        session.add(row)
    session.flush()


def grant_school(session: Session, username: str, school_name_or_id: str | int) -> School:
    """Let an administrator administer a school.

    Args:
        session: The caller's database session; the caller commits.
        username: The administrator's username.
        school_name_or_id: The school's exact name, or its id.

    Returns:
        The school.

    Raises:
        DomainError: If the administrator or school does not exist, or access exists already.
    """
    administrator = _get_administrator(session, username)
    school = _get_school(session, school_name_or_id)
    if session.get(AdministratorSchool, (administrator.id, school.id)) is not None:
        raise DomainError(f"Beheerder '{administrator.username}' beheert '{school.name}' al.")
    session.add(
        AdministratorSchool(administrator_id=administrator.id or 0, school_id=school.id or 0)
    )
    session.flush()
    return school


def revoke_school(session: Session, username: str, school_name_or_id: str | int) -> School:
    """Take a school away from an administrator; open sessions move to another of their schools.

    Args:
        session: The caller's database session; the caller commits.
        username: The administrator's username.
        school_name_or_id: The school's exact name, or its id.

    Returns:
        The school.

    Raises:
        DomainError: If the administrator or school does not exist, or there is no access.
    """
    administrator = _get_administrator(session, username)
    school = _get_school(session, school_name_or_id)
    link = session.get(AdministratorSchool, (administrator.id, school.id))
    if link is None:
        raise DomainError(f"Beheerder '{administrator.username}' beheert '{school.name}' niet.")
    session.delete(link)
    session.flush()
    return school


def list_administrators(session: Session) -> list[AdministratorSummary]:
    """Every administrator with the names of their schools, by username."""
    administrators = session.exec(select(Administrator).order_by(col(Administrator.username))).all()
    return [
        AdministratorSummary(
            id=administrator.id or 0,
            username=administrator.username,
            display_name=administrator.display_name,
            is_active=administrator.is_active,
            schools=tuple(s.name for s in _schools_of(session, administrator.id or 0)),
        )
        for administrator in administrators
    ]


def list_schools(session: Session) -> list[SchoolChoice]:
    """Every school, by name."""
    rows = session.exec(select(School.id, School.name)).all()
    return sorted(
        (SchoolChoice(id=school_id, name=name) for school_id, name in rows if school_id),
        key=lambda choice: (choice.name.casefold(), choice.name, choice.id),
    )


def school_numbers(session: Session) -> dict[int, str]:
    """The instellingsnummer of every school that has one, by school id."""
    rows = session.exec(select(School.id, School.instellingsnummer)).all()
    return {school_id: number for school_id, number in rows if school_id and number}
