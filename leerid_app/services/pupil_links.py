"""Mailed links of the Leerlingloket: link an e-mail address by a confirmation link, remove it,
and reset a forgotten password (`Wachtwoord vergeten?`). Links are single-use and stored only
as a SHA-256 of their token."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from email_validator import EmailNotValidError, validate_email
from limits import RateLimitItemPerHour, RateLimitItemPerMinute, storage, strategies
from sqlalchemy import func
from sqlmodel import Session, col, select

from leerid_app.models import AccountToken, AccountType, LeerIDAccount, Pupil, School
from leerid_app.services import clock, mail
from leerid_app.services.accounts import mask_email
from leerid_app.services.audit import AuditAction
from leerid_app.services.errors import DomainError
from leerid_app.services.hashing import PasswordHashing
from leerid_app.services.identity import sessions
from leerid_app.services.identity.throttle import login_key
from leerid_app.services.pupil_account import (
    account_of_context,
    audit_pupil_event,
    checked_new_password,
    require_advanced,
    store_own_credentials,
)
from leerid_app.services.pupil_auth import PupilContext, end_sessions_of, is_active
from leerid_app.settings import get_settings

CONFIRM_EMAIL = "confirm_email"
RESET_PASSWORD = "reset_password"  # noqa: S105 (a token purpose, not a password)
CONFIRM_EMAIL_VALID = timedelta(hours=24)
RESET_PASSWORD_VALID = timedelta(minutes=30)
MAX_EMAIL_CHARS = 254
MAX_IDENTIFIER_CHARS = 254

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
    account, pupil, school = account_of_context(session, context, for_update=True)
    require_advanced(account)
    email = normalise_email(address)
    token = _new_link(session, account, CONFIRM_EMAIL, CONFIRM_EMAIL_VALID, now, email=email)
    audit_pupil_event(
        session, AuditAction.PUPIL_EMAIL_REQUESTED, pupil, now, {"email": mask_email(email)}
    )
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
    audit_pupil_event(session, AuditAction.PUPIL_EMAIL_LINKED, pupil, now, {"email": masked})
    return masked


def remove_email(session: Session, context: PupilContext, *, now: datetime | None = None) -> None:
    """Unlink the pupil's e-mail address (the school manages the password again)."""
    now = clock.now_or(now)
    account, pupil, _school = account_of_context(session, context, for_update=True)
    require_advanced(account)
    if not account.email:
        raise DomainError(MSG_NO_EMAIL)
    store_own_credentials(account, email=None, now=now)
    session.add(account)
    _use_up(session, account.id or 0, RESET_PASSWORD, now)
    audit_pupil_event(session, AuditAction.PUPIL_EMAIL_REMOVED, pupil, now)


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
        audit_pupil_event(session, AuditAction.PUPIL_RESET_REQUESTED, pupil, now)
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
    password = checked_new_password(account, pupil, new, repeat, hashing)
    row.used_at = now
    session.add(row)
    store_own_credentials(account, password_hash=hashing.hash(password), now=now)
    session.add(account)
    end_sessions_of(session, account.id or 0, now=now)
    audit_pupil_event(session, AuditAction.PUPIL_RESET_DONE, pupil, now)
    return account.username
