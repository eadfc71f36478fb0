"""What a logged-in pupil does in the Leerlingloket: see Mijn LeerID, choose or change the
password, link or remove an e-mail address, and reset a forgotten password by a mailed link.

Every write of a pupil's credentials goes through ``store_own_credentials``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Final

from email_validator import EmailNotValidError, validate_email
from limits import RateLimitItemPerHour, RateLimitItemPerMinute, storage, strategies
from sqlalchemy import func
from sqlmodel import Session, col, select

from leerid_app.models import (
    AccountToken,
    AccountType,
    LeerIDAccount,
    PasswordType,
    Pupil,
    School,
)
from leerid_app.services import clock, mail, passwords
from leerid_app.services.accounts import mask_email
from leerid_app.services.audit import PUPIL_ACTOR, AuditAction, record_event
from leerid_app.services.errors import DomainError, NotAllowed
from leerid_app.services.hashing import PasswordHashing
from leerid_app.services.identity import sessions
from leerid_app.services.identity.throttle import login_key
from leerid_app.services.pupil_auth import PupilContext, end_sessions_of, is_active
from leerid_app.settings import get_settings

CONFIRM_EMAIL = "confirm_email"
RESET_PASSWORD = "reset_password"  # noqa: S105 (a token purpose, not a password)
CONFIRM_EMAIL_VALID = timedelta(hours=24)
RESET_PASSWORD_VALID = timedelta(minutes=30)
MAX_EMAIL_CHARS = 254
MAX_IDENTIFIER_CHARS = 254

MSG_ONLY_ADVANCED = (
    "Met een basis LeerID kan je je wachtwoord niet zelf wijzigen en geen e-mailadres "
    "koppelen. Vraag het aan je LeerID-beheerder."
)
MSG_WRONG_CURRENT = "Je huidige wachtwoord is niet juist."
MSG_NOTHING_TO_CHOOSE = "Je hoeft nu geen nieuw wachtwoord te kiezen."
MSG_CANNOT_POSTPONE = "Je moet nu een nieuw wachtwoord kiezen voor je verder kan."
MSG_BAD_EMAIL = "Dit is geen geldig e-mailadres. Kijk het na, bijvoorbeeld naam@voorbeeld.be."
MSG_NO_EMAIL = "Aan je LeerID is geen e-mailadres gekoppeld."
MSG_LINK_INVALID = (
    "Deze link is niet meer geldig: hij werd al gebruikt of is verlopen. Vraag een nieuwe aan."
)
MSG_RESET_ANSWER = (
    "Als er een LeerID met een gekoppeld e-mailadres bij hoort, krijg je binnen enkele minuten "
    "een mail met een link om een nieuw wachtwoord te kiezen. De link blijft 30 minuten "
    "geldig. Heb je geen e-mailadres gekoppeld aan je LeerID? Vraag dan een nieuw wachtwoord "
    "aan je LeerID-beheerder."
)


class _Keep:
    """Marks a credential that ``store_own_credentials`` leaves as it is."""


KEEP: Final = _Keep()


def store_own_credentials(
    account: LeerIDAccount,
    *,
    password_hash: str | _Keep = KEEP,
    email: str | _Keep | None = KEEP,
    now: datetime,
) -> None:
    """The one place where the pupil side writes an account's credentials.

    A new password is the pupil's own: no more must-change line. (Any version counter that
    tells an administrator's open edit screen it went stale belongs here too.)
    """
    if not isinstance(password_hash, _Keep):
        account.password_hash = password_hash
        account.password_type = PasswordType.EIGEN
        account.must_change_password = False
        account.password_change_deadline = None
        account.password_changed_at = now
    if not isinstance(email, _Keep):
        account.email = email


@dataclass(frozen=True)
class MustChange:
    """Whether the pupil must choose a password now, may postpone it, and for how long."""

    required: bool
    may_postpone: bool
    days_left: int


def must_change(account: LeerIDAccount, today: date) -> MustChange:
    """The one-month rule: an advanced pupil with a generated password may postpone choosing
    their own until the deadline (one month after issue); from that day on it is mandatory."""
    if account.account_type is not AccountType.GEVORDERD or not account.must_change_password:
        return MustChange(required=False, may_postpone=False, days_left=0)
    deadline = account.password_change_deadline
    days_left = max(0, (deadline - today).days) if deadline is not None else 0
    return MustChange(required=True, may_postpone=days_left > 0, days_left=days_left)


@dataclass(frozen=True)
class MyLeerID:
    """Everything the `Mijn LeerID` page shows."""

    first_name: str
    last_name: str
    school_name: str
    username: str
    account_type: AccountType
    password_type: PasswordType
    last_login_at: datetime | None
    masked_email: str
    must_change: MustChange


def _account(session: Session, context: PupilContext, *, for_update: bool = False):
    statement = (
        select(LeerIDAccount, Pupil, School)
        .join(Pupil, col(Pupil.id) == col(LeerIDAccount.pupil_id))
        .join(School, col(School.id) == col(Pupil.school_id))
        .where(LeerIDAccount.id == context.account_id)
    )
    if for_update:
        statement = statement.with_for_update(of=LeerIDAccount)  # type: ignore[arg-type]
    found = session.exec(statement).first()
    if found is None:
        raise NotAllowed(MSG_LINK_INVALID)
    return found


def my_leerid(session: Session, context: PupilContext, *, today: date | None = None) -> MyLeerID:
    """The logged-in pupil's account as `Mijn LeerID` shows it."""
    account, pupil, school = _account(session, context)
    return MyLeerID(
        first_name=pupil.first_name,
        last_name=pupil.last_name,
        school_name=school.name,
        username=account.username,
        account_type=account.account_type,
        password_type=account.password_type,
        last_login_at=clock.as_utc(account.last_login_at) if account.last_login_at else None,
        masked_email=mask_email(account.email) if account.email else "",
        must_change=must_change(account, today or clock.today()),
    )


def _require_advanced(account: LeerIDAccount) -> None:
    if account.account_type is not AccountType.GEVORDERD:
        raise NotAllowed(MSG_ONLY_ADVANCED)


def _audit(
    session: Session,
    action: AuditAction,
    pupil: Pupil,
    now: datetime,
    details: dict[str, object] | None = None,
) -> None:
    record_event(
        session,
        action=action,
        actor_administrator_id=None,
        actor_username=PUPIL_ACTOR,
        school_id=pupil.school_id,
        pupil_id=pupil.id,
        details=details,
        now=now,
    )


def _checked_new_password(
    account: LeerIDAccount, pupil: Pupil, new: object, repeat: object, hashing: PasswordHashing
) -> str:
    password = passwords.validate_own_password(
        new, repeat, username=account.username, names=(pupil.first_name, pupil.last_name)
    )
    if hashing.verify(account.password_hash, password):
        raise DomainError(passwords.MSG_CHOSEN_SAME_AS_OLD)
    return password


def choose_password(
    session: Session,
    context: PupilContext,
    new: object,
    repeat: object,
    *,
    hashing: PasswordHashing,
    now: datetime | None = None,
) -> None:
    """First login of an advanced account: replace the generated password by the pupil's own."""
    now = clock.now_or(now)
    account, pupil, _school = _account(session, context, for_update=True)
    _require_advanced(account)
    if not must_change(account, clock.school_day(now)).required:
        raise DomainError(MSG_NOTHING_TO_CHOOSE)
    password = _checked_new_password(account, pupil, new, repeat, hashing)
    store_own_credentials(account, password_hash=hashing.hash(password), now=now)
    session.add(account)
    end_sessions_of(session, account.id or 0, keep_session_id=context.session_id, now=now)
    _audit(session, AuditAction.PUPIL_PASSWORD_CHANGED, pupil, now, {"kind": "first_login"})


def postpone_allowed(
    session: Session, context: PupilContext, *, now: datetime | None = None
) -> int:
    """`Later wijzigen`: the days left when postponing is still allowed.

    Raises:
        DomainError: When the month is over (or nothing has to be chosen).
    """
    account, _pupil, _school = _account(session, context)
    state = must_change(account, clock.school_day(clock.now_or(now)))
    if not state.may_postpone:
        raise DomainError(MSG_CANNOT_POSTPONE if state.required else MSG_NOTHING_TO_CHOOSE)
    return state.days_left


def change_password(
    session: Session,
    context: PupilContext,
    current: object,
    new: object,
    repeat: object,
    *,
    hashing: PasswordHashing,
    now: datetime | None = None,
) -> int:
    """Change the password while the pupil knows it; ends their other sessions (how many)."""
    now = clock.now_or(now)
    account, pupil, _school = _account(session, context, for_update=True)
    _require_advanced(account)
    current_text = current if isinstance(current, str) else ""
    if len(current_text) > passwords.OWN_PASSWORD_MAX_LENGTH or not hashing.verify(
        account.password_hash, current_text
    ):
        raise DomainError(MSG_WRONG_CURRENT)
    password = _checked_new_password(account, pupil, new, repeat, hashing)
    store_own_credentials(account, password_hash=hashing.hash(password), now=now)
    session.add(account)
    ended = end_sessions_of(session, account.id or 0, keep_session_id=context.session_id, now=now)
    _audit(session, AuditAction.PUPIL_PASSWORD_CHANGED, pupil, now, {"kind": "change"})
    return ended


def normalise_email(text: object) -> str:
    """The address in its normal form (syntax only, no DNS lookups).

    Raises:
        DomainError: When it is not an e-mail address.
    """
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_EMAIL_CHARS:
        raise DomainError(MSG_BAD_EMAIL)
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise DomainError(MSG_BAD_EMAIL) from error


def _new_link(
    session: Session,
    account: LeerIDAccount,
    purpose: str,
    valid: timedelta,
    now: datetime,
    email: str | None = None,
) -> str:
    """A fresh single-use link token; earlier open links of the same purpose stop working."""
    _use_up(session, account.id or 0, purpose, now)
    token = sessions.new_token()
    session.add(
        AccountToken(
            token_hash=sessions.token_hash(token),
            account_id=account.id or 0,
            purpose=purpose,
            email=email,
            created_at=now,
            expires_at=now + valid,
        )
    )
    return token


def _use_up(session: Session, account_id: int, purpose: str, now: datetime) -> None:
    for row in session.exec(
        select(AccountToken).where(
            AccountToken.account_id == account_id,
            AccountToken.purpose == purpose,
            col(AccountToken.used_at).is_(None),
        )
    ).all():
        row.used_at = now
        session.add(row)


def link_url(path: str, token: str) -> str:
    """An absolute link into the Leerlingloket."""
    return f"{get_settings().portal_base_url.rstrip('/')}/{path}?token={token}"


def request_email_link(
    session: Session, context: PupilContext, address: object, *, now: datetime | None = None
) -> mail.Mail:
    """Ask to link (or change to) an address: returns the confirmation mail to deliver once the
    caller committed. Nothing is linked before the link in that mail is clicked."""
    now = clock.now_or(now)
    account, pupil, school = _account(session, context, for_update=True)
    _require_advanced(account)
    email = normalise_email(address)
    token = _new_link(session, account, CONFIRM_EMAIL, CONFIRM_EMAIL_VALID, now, email=email)
    _audit(session, AuditAction.PUPIL_EMAIL_REQUESTED, pupil, now, {"email": mask_email(email)})
    return mail.confirmation_mail(
        email,
        school_name=school.name,
        first_name=pupil.first_name,
        link=link_url("e-mail-bevestigen", token),
    )


def _open_link(session: Session, token: object, purpose: str, now: datetime) -> AccountToken:
    row = sessions.find(session, AccountToken, token)
    if (
        row is None
        or row.purpose != purpose
        or row.used_at is not None
        or clock.as_utc(row.expires_at) <= now
    ):
        raise DomainError(MSG_LINK_INVALID)
    return row


def _link_target(session: Session, row: AccountToken, now: datetime) -> tuple[LeerIDAccount, Pupil]:
    account = session.exec(
        select(LeerIDAccount).where(LeerIDAccount.id == row.account_id).with_for_update()
    ).first()
    pupil = session.get(Pupil, account.pupil_id) if account else None
    if account is None or pupil is None or account.account_type is not AccountType.GEVORDERD:
        raise DomainError(MSG_LINK_INVALID)
    if not is_active(pupil, now):
        raise DomainError(MSG_LINK_INVALID)
    return account, pupil


def confirm_email(session: Session, token: object, *, now: datetime | None = None) -> str:
    """The click on the confirmation link: link the address; returns it masked."""
    now = clock.now_or(now)
    row = _open_link(session, token, CONFIRM_EMAIL, now)
    account, pupil = _link_target(session, row, now)
    row.used_at = now
    session.add(row)
    store_own_credentials(account, email=row.email, now=now)
    session.add(account)
    masked = mask_email(row.email or "")
    _audit(session, AuditAction.PUPIL_EMAIL_LINKED, pupil, now, {"email": masked})
    return masked


def remove_email(session: Session, context: PupilContext, *, now: datetime | None = None) -> None:
    """Unlink the pupil's e-mail address (the school manages the password again)."""
    now = clock.now_or(now)
    account, pupil, _school = _account(session, context, for_update=True)
    _require_advanced(account)
    if not account.email:
        raise DomainError(MSG_NO_EMAIL)
    store_own_credentials(account, email=None, now=now)
    session.add(account)
    _use_up(session, account.id or 0, RESET_PASSWORD, now)
    _audit(session, AuditAction.PUPIL_EMAIL_REMOVED, pupil, now)


class ResetLimits:
    """`Wachtwoord vergeten?` requests per account per hour and over everyone per minute."""

    def __init__(self, per_account_per_hour: int, per_minute: int, storage_uri: str) -> None:
        self._account = RateLimitItemPerHour(per_account_per_hour)
        self._overall = RateLimitItemPerMinute(per_minute)
        self._limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))

    def overall(self) -> bool:
        """Take one request from the overall budget; False when it is spent."""
        return self._limiter.hit(self._overall, "leerid-reset", "all")

    def account(self, account_id: int) -> bool:
        """Take one mail from the account's budget; False when it is spent."""
        return self._limiter.hit(self._account, "leerid-reset", "account", str(account_id))


@cache
def reset_limits() -> ResetLimits:
    """The process's reset limits, made from the settings on first use."""
    settings = get_settings()
    return ResetLimits(
        settings.reset_requests_per_account_per_hour,
        settings.reset_requests_per_minute,
        settings.login_limit_storage,
    )


def request_reset(
    session: Session, identifier: object, *, now: datetime | None = None
) -> list[mail.Mail]:
    """`Wachtwoord vergeten?` by username or e-mail address.

    The pupil always reads MSG_RESET_ANSWER; this returns the mails to deliver after the
    commit: one per active advanced account with that username or linked address, within
    the limits. Other matches (basic, no e-mail, inactive) get nothing: the answer tells
    them to ask the LeerID-beheerder.
    """
    now = clock.now_or(now)
    text = identifier.strip() if isinstance(identifier, str) else ""
    if not text or len(text) > MAX_IDENTIFIER_CHARS or not reset_limits().overall():
        return []
    statement = (
        select(LeerIDAccount, Pupil, School)
        .join(Pupil, col(Pupil.id) == col(LeerIDAccount.pupil_id))
        .join(School, col(School.id) == col(Pupil.school_id))
        .where(
            LeerIDAccount.account_type == AccountType.GEVORDERD,
            col(LeerIDAccount.email).is_not(None),
        )
    )
    if "@" in text:
        statement = statement.where(func.lower(LeerIDAccount.email) == text.lower())
    else:
        statement = statement.where(LeerIDAccount.username == login_key(text))
    mails = []
    for account, pupil, school in session.exec(statement.limit(5)).all():
        if not is_active(pupil, now) or not account.email:
            continue
        if not reset_limits().account(account.id or 0):
            continue
        token = _new_link(session, account, RESET_PASSWORD, RESET_PASSWORD_VALID, now)
        _audit(session, AuditAction.PUPIL_RESET_REQUESTED, pupil, now)
        mails.append(
            mail.reset_mail(
                account.email,
                school_name=school.name,
                first_name=pupil.first_name,
                link=link_url("nieuw-wachtwoord", token),
            )
        )
    return mails


def reset_link_username(session: Session, token: object, *, now: datetime | None = None) -> str:
    """Whose password a reset link resets (the page shows it); DomainError when invalid."""
    now = clock.now_or(now)
    account, _pupil = _link_target(session, _open_link(session, token, RESET_PASSWORD, now), now)
    if not account.email:
        raise DomainError(MSG_LINK_INVALID)
    return account.username


def reset_password(
    session: Session,
    token: object,
    new: object,
    repeat: object,
    *,
    hashing: PasswordHashing,
    now: datetime | None = None,
) -> str:
    """Choose a new password through a mailed reset link; ends every session. Returns the
    username, so the login page can be filled in."""
    now = clock.now_or(now)
    row = _open_link(session, token, RESET_PASSWORD, now)
    account, pupil = _link_target(session, row, now)
    if not account.email:
        raise DomainError(MSG_LINK_INVALID)
    password = _checked_new_password(account, pupil, new, repeat, hashing)
    row.used_at = now
    session.add(row)
    store_own_credentials(account, password_hash=hashing.hash(password), now=now)
    session.add(account)
    end_sessions_of(session, account.id or 0, now=now)
    _audit(session, AuditAction.PUPIL_RESET_DONE, pupil, now)
    return account.username
