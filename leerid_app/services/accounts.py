"""One pupil's LeerID: activate it, change the username, renew the password, remove the e-mail."""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from leerid_app import texts
from leerid_app.models import AccountType, EducationLevel, LeerIDAccount, PasswordType, Pupil
from leerid_app.services import audit, clock, credentials, passwords, usernames, versions
from leerid_app.services.audit import AuditAction
from leerid_app.services.credentials import IssuedCredential
from leerid_app.services.dates import dutch_date
from leerid_app.services.errors import DomainError, NotAllowed, UsernameTaken
from leerid_app.services.hashing import PasswordHashing
from leerid_app.services.pupils import enrollment_ended
from leerid_app.services.scope import pupil_in_school
from leerid_app.services.versions import StaleAccount

# The Dutch messages live in texts.py; these names are what callers and tests refer to.
MSG_ALREADY_ACTIVE = texts.ALREADY_ACTIVE
MSG_NO_ACCOUNT = texts.NO_ACCOUNT_YET
MSG_EMAIL_LINKED = texts.EMAIL_LINKED_NO_NEW_PASSWORD
MSG_NO_EMAIL = texts.NO_EMAIL_LINKED
MSG_EMAIL_ONLY_ADVANCED = texts.EMAIL_ONLY_ADVANCED
MSG_NOTHING_CHANGED = texts.NOTHING_CHANGED
MSG_NOT_GENERATED = texts.NOT_GENERATED

# An advanced pupil gets one month to replace a generated password by their own.
PASSWORD_CHANGE_MONTHS = 1


@dataclass(frozen=True)
class Actor:
    """The administrator on whose behalf a change is made, for the audit log."""

    administrator_id: int | None
    username: str


def account_type_for(level: EducationLevel) -> AccountType:
    """Basis for primary and special education, Gevorderd for regular secondary education."""
    return AccountType.GEVORDERD if level is EducationLevel.SECUNDAIR else AccountType.BASIS


def password_type_for(account_type: AccountType) -> PasswordType:
    """The generated password's type for an account type."""
    return PasswordType.GEVORDERD if account_type is AccountType.GEVORDERD else PasswordType.BASIS


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 jan + 1 → 28/29 feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def new_password_allowed(*, email_linked: bool, removing_email: bool) -> bool:
    """Whether the school may give a new password (the one home of this rule of the manual).

    While an e-mail address is linked the pupil manages the account; only removing the
    address, which issues a new password at once, brings it back to the school.
    """
    return not email_linked or removing_email


def mask_email(email: str) -> str:
    """First and last character of the local part, five stars between: ``t*****s@ond.be``.

    The domain is the part after the last ``@``; text without any ``@`` is masked as a
    local part alone, without inventing an ``@`` it never had.
    """
    local, at, domain = email.rpartition("@")
    if not at:
        local, domain = email, ""
    if not local:
        masked = "*****"
    else:
        last = local[-1] if len(local) > 1 else ""
        masked = f"{local[0]}*****{last}"
    return f"{masked}@{domain}" if at else masked


def is_generated_password(account_type: AccountType, password: object) -> bool:
    """Whether ``password`` has the shape the generator gives this account type.

    The edit screen sends back the password it showed; anything else (typed, shortened,
    of the other type) must not become a pupil's password.
    """
    if not isinstance(password, str):
        return False
    if account_type == AccountType.GEVORDERD:
        return (
            len(password) == passwords.ADVANCED_PASSWORD_LENGTH
            and all(char in passwords.ADVANCED_ALPHABET for char in password)
            and any(char in passwords.UPPERCASE for char in password)
            and any(char in passwords.LOWERCASE for char in password)
            and any(char in passwords.DIGITS for char in password)
        )
    word = password.strip(passwords.DIGITS)
    return (
        len(password) == passwords.BASIC_PASSWORD_LENGTH
        and all(char in passwords.DIGITS for char in password.replace(word, "", 1))
        and word in passwords.basic_password_words()
    )


def issued_credential(
    pupil: Pupil, username: str, account_type: AccountType, password: str
) -> IssuedCredential:
    """The slip and export record of a freshly set password."""
    assert pupil.id is not None
    return credentials.issue(pupil.id, pupil, username, account_type, password)


def generated_password_values(
    account_type: AccountType, password_hash: str, *, now: datetime
) -> dict[str, object]:
    """The columns a generated password sets; advanced pupils must replace it within a month."""
    advanced = account_type is AccountType.GEVORDERD
    return {
        "password_hash": password_hash,
        "password_type": password_type_for(account_type),
        "password_changed_at": now,
        "must_change_password": advanced,
        "password_change_deadline": (
            add_months(now.date(), PASSWORD_CHANGE_MONTHS) if advanced else None
        ),
    }


def set_generated_password(account: LeerIDAccount, password_hash: str, *, now: datetime) -> None:
    """Store a generated password on a loaded account (its version rises at the flush)."""
    for name, value in generated_password_values(
        account.account_type, password_hash, now=now
    ).items():
        setattr(account, name, value)


def account_of(
    session: Session, pupil_id: int, *, for_update: bool = False
) -> LeerIDAccount | None:
    """The pupil's LeerID, if any; locked for the transaction when asked."""
    statement = select(LeerIDAccount).where(LeerIDAccount.pupil_id == pupil_id)
    if for_update:
        # As the database holds it now, not a copy this session loaded earlier.
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return session.execute(statement).scalar_one_or_none()


def flush_or_conflict(session: Session, message: str = usernames.MSG_TAKEN) -> None:
    """Flush; a unique-constraint race (another administrator was first) becomes a clear error.

    The username constraint is the usual culprit, hence UsernameTaken with that message.
    """
    try:
        session.flush()
    except IntegrityError as error:
        # The caller's transaction (or savepoint) rolls back; the session is unusable until then.
        raise UsernameTaken(message) from error


def activate_account(
    session: Session,
    *,
    school_id: int,
    pupil_id: int,
    actor: Actor,
    hashing: PasswordHashing,
    now: datetime | None = None,
    rng: random.Random = passwords.SYSTEM_RANDOM,
) -> IssuedCredential:
    """Give a pupil without account a LeerID of the type their education level implies."""
    now = clock.now_or(now)
    pupil = pupil_in_school(session, school_id=school_id, pupil_id=pupil_id)
    usernames.lock_allocation(session)
    if account_of(session, pupil_id) is not None:
        raise DomainError(MSG_ALREADY_ACTIVE)
    if enrollment_ended(pupil.enrollment_end, clock.school_day(now)):
        raise DomainError(texts.ENROLLMENT_ENDED.format(date=dutch_date(pupil.enrollment_end)))
    account_type = account_type_for(pupil.education_level)
    password = passwords.generate_password(account_type, rng)
    account = LeerIDAccount(
        pupil_id=pupil_id,
        account_type=account_type,
        username=usernames.unique_username(session, pupil.first_name, pupil.last_name),
        password_hash="",
        password_type=password_type_for(account_type),
        created_at=now,
    )
    set_generated_password(account, hashing.hash(password), now=now)
    try:
        # A savepoint, so after a lost race the session can still tell which one was lost.
        with session.begin_nested():
            session.add(account)
    except IntegrityError as error:
        if account_of(session, pupil_id) is not None:
            # Another administrator activated this pupil at the same moment.
            raise DomainError(MSG_ALREADY_ACTIVE) from error
        raise UsernameTaken(usernames.MSG_TAKEN) from error
    audit.record_event(
        session,
        action=AuditAction.ACCOUNT_ACTIVATED,
        actor_administrator_id=actor.administrator_id,
        actor_username=actor.username,
        school_id=school_id,
        pupil_id=pupil_id,
        details={"username": account.username, "type": account_type.value},
        now=now,
    )
    return issued_credential(pupil, account.username, account.account_type, password)


@dataclass(frozen=True)
class CredentialChange:
    """What the administrator asks on the edit screen; ``new_password`` was shown to them."""

    username: str | None = None
    new_password: str | None = None
    remove_email: bool = False


@dataclass(frozen=True)
class CredentialChangeResult:
    """What was saved; ``credential`` is set when the password changed (a slip is due)."""

    username: str
    username_changed: bool
    email_removed: bool
    credential: IssuedCredential | None


def change_credentials(
    session: Session,
    *,
    school_id: int,
    pupil_id: int,
    change: CredentialChange,
    seen_version: int,
    actor: Actor,
    hashing: PasswordHashing,
    now: datetime | None = None,
) -> CredentialChangeResult:
    """Save the edit screen in one transaction: username, new password, e-mail removal.

    ``seen_version`` is the account's version when the form was shown: if anyone changed the
    LeerID since (another administrator, a bulk run, the pupil), nothing is saved and
    StaleAccount says who, so the slip printed now can never be silently outdated.
    """
    now = clock.now_or(now)
    pupil = pupil_in_school(session, school_id=school_id, pupil_id=pupil_id)
    if change.username is not None:
        usernames.lock_allocation(session)
    # Locked until commit (SQLite: the write lock is held from BEGIN), so check and write
    # are one compare-and-set.
    account = account_of(session, pupil_id, for_update=True)
    if account is None:
        raise DomainError(MSG_NO_ACCOUNT)
    if account.version != seen_version:
        who = versions.changed_by(session, school_id=school_id, pupil_ids=[pupil_id])
        raise StaleAccount(versions.stale_message(who.get(pupil_id)))

    username_changed = False
    if change.username is not None:
        username = usernames.validate_username(session, change.username, account_id=account.id)
        username_changed = username != account.username
        old_username, account.username = account.username, username

    if change.remove_email:
        if account.account_type is not AccountType.GEVORDERD:
            raise DomainError(MSG_EMAIL_ONLY_ADVANCED)
        if not account.email:
            raise DomainError(MSG_NO_EMAIL)
        if not change.new_password:
            # The manual: removing the e-mail generates a new password at that moment.
            raise DomainError(texts.REMOVE_EMAIL_NEEDS_PASSWORD)
        account.email = None
    elif change.new_password and not new_password_allowed(
        email_linked=bool(account.email), removing_email=False
    ):
        raise NotAllowed(MSG_EMAIL_LINKED)

    if change.new_password and not is_generated_password(account.account_type, change.new_password):
        raise DomainError(MSG_NOT_GENERATED)

    if change.new_password:
        set_generated_password(account, hashing.hash(change.new_password), now=now)

    if not (username_changed or change.new_password or change.remove_email):
        raise DomainError(MSG_NOTHING_CHANGED)

    flush_or_conflict(session)
    common = {
        "actor_administrator_id": actor.administrator_id,
        "actor_username": actor.username,
        "school_id": school_id,
        "pupil_id": pupil_id,
        "now": now,
    }
    if username_changed:
        audit.record_event(
            session,
            action=AuditAction.USERNAME_CHANGED,
            details={"from": old_username, "to": account.username},
            **common,
        )
    if change.remove_email:
        audit.record_event(session, action=AuditAction.EMAIL_REMOVED, **common)
    if change.new_password:
        audit.record_event(
            session,
            action=AuditAction.PASSWORD_RENEWED,
            details={"type": account.password_type.value},
            **common,
        )
    credential = (
        issued_credential(pupil, account.username, account.account_type, change.new_password)
        if change.new_password
        else None
    )
    return CredentialChangeResult(
        username=account.username,
        username_changed=username_changed,
        email_removed=change.remove_email,
        credential=credential,
    )
