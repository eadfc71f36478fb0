"""What a logged-in pupil does in the Leerlingloket: see Mijn LeerID, choose or change the
password (the mailed links are in pupil_links.py).

Every write of a pupil's credentials goes through ``store_own_credentials``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from sqlmodel import Session, col, select

from leerid_app.models import (
    AccountType,
    LeerIDAccount,
    PasswordType,
    Pupil,
    School,
)
from leerid_app.services import clock, passwords
from leerid_app.services.accounts import mask_email
from leerid_app.services.audit import PUPIL_ACTOR, AuditAction, record_event
from leerid_app.services.errors import DomainError, NotAllowed
from leerid_app.services.hashing import PasswordHashing
from leerid_app.services.pupil_auth import MSG_SESSION_EXPIRED, PupilContext, end_sessions_of

MSG_ONLY_ADVANCED = (
    "Met een basis LeerID kan je je wachtwoord niet zelf wijzigen en geen e-mailadres "
    "koppelen. Vraag het aan je LeerID-beheerder."
)
MSG_WRONG_CURRENT = "Je huidige wachtwoord is niet juist."
MSG_NOTHING_TO_CHOOSE = "Je hoeft nu geen nieuw wachtwoord te kiezen."
MSG_CANNOT_POSTPONE = "Je moet nu een nieuw wachtwoord kiezen voor je verder kan."


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


def account_of_context(session: Session, context: PupilContext, *, for_update: bool = False):
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
        raise NotAllowed(MSG_SESSION_EXPIRED)
    return found


def my_leerid(session: Session, context: PupilContext, *, today: date | None = None) -> MyLeerID:
    """The logged-in pupil's account as `Mijn LeerID` shows it."""
    account, pupil, school = account_of_context(session, context)
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


def require_advanced(account: LeerIDAccount) -> None:
    if account.account_type is not AccountType.GEVORDERD:
        raise NotAllowed(MSG_ONLY_ADVANCED)


def audit_pupil_event(
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


def checked_new_password(
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
    account, pupil, _school = account_of_context(session, context, for_update=True)
    require_advanced(account)
    if not must_change(account, clock.school_day(now)).required:
        raise DomainError(MSG_NOTHING_TO_CHOOSE)
    password = checked_new_password(account, pupil, new, repeat, hashing)
    store_own_credentials(account, password_hash=hashing.hash(password), now=now)
    session.add(account)
    end_sessions_of(session, account.id or 0, keep_session_id=context.session_id, now=now)
    audit_pupil_event(
        session, AuditAction.PUPIL_PASSWORD_CHANGED, pupil, now, {"kind": "first_login"}
    )


def postpone_allowed(
    session: Session, context: PupilContext, *, now: datetime | None = None
) -> int:
    """`Later wijzigen`: the days left when postponing is still allowed.

    Raises:
        DomainError: When the month is over (or nothing has to be chosen).
    """
    account, _pupil, _school = account_of_context(session, context)
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
    account, pupil, _school = account_of_context(session, context, for_update=True)
    require_advanced(account)
    current_text = current if isinstance(current, str) else ""
    if len(current_text) > passwords.OWN_PASSWORD_MAX_LENGTH or not hashing.verify(
        account.password_hash, current_text
    ):
        raise DomainError(MSG_WRONG_CURRENT)
    password = checked_new_password(account, pupil, new, repeat, hashing)
    store_own_credentials(account, password_hash=hashing.hash(password), now=now)
    session.add(account)
    ended = end_sessions_of(session, account.id or 0, keep_session_id=context.session_id, now=now)
    audit_pupil_event(session, AuditAction.PUPIL_PASSWORD_CHANGED, pupil, now, {"kind": "change"})
    return ended
