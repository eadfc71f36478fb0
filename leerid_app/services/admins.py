"""Administrator management (the CLI): create, set password, grant and revoke schools, list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from leerid_app import texts
from leerid_app.models import Administrator, AdministratorSchool, AdminSession, School
from leerid_app.services import clock
from leerid_app.services.errors import DomainError
from leerid_app.services.hashing import get_password_hashing
from leerid_app.services.identity import sessions
from leerid_app.services.identity.throttle import login_key
from leerid_app.services.scope import SchoolChoice, by_name, is_database_id, schools_of

MAX_USERNAME_CHARS = 80
MAX_PASSWORD_CHARS = 256
MIN_ADMIN_PASSWORD_CHARS = 12
MAX_DISPLAY_NAME_CHARS = 120

_ADMIN_USERNAME = re.compile(r"[a-z0-9._-]{3,80}")


@dataclass(frozen=True)
class AdministratorSummary:
    """An administrator as the CLI lists them."""

    id: int
    username: str
    display_name: str
    is_active: bool
    schools: tuple[str, ...]


def _validate_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_ADMIN_PASSWORD_CHARS:
        raise DomainError(texts.ADMIN_PASSWORD_TOO_SHORT.format(count=MIN_ADMIN_PASSWORD_CHARS))
    if len(password) > MAX_PASSWORD_CHARS:
        raise DomainError(texts.ADMIN_PASSWORD_TOO_LONG.format(count=MAX_PASSWORD_CHARS))


def get_administrator(session: Session, username: str) -> Administrator:
    """An administrator by username (case and surrounding spaces ignored)."""
    key = login_key(username)
    administrator = session.exec(select(Administrator).where(Administrator.username == key)).first()
    if administrator is None:
        raise DomainError(texts.ADMIN_UNKNOWN.format(username=username))
    return administrator


def _get_school(session: Session, school_name_or_id: str | int) -> School:
    if isinstance(school_name_or_id, int):
        valid = is_database_id(school_name_or_id)
        school = session.get(School, school_name_or_id) if valid else None
    else:
        text = str(school_name_or_id).strip()
        # The exact name first, so a school whose name is a number is still found by name.
        school = session.exec(select(School).where(School.name == text)).first()
        if school is None and text.isascii() and text.isdigit() and is_database_id(int(text)):
            school = session.get(School, int(text))
    if school is None:
        raise DomainError(texts.SCHOOL_UNKNOWN.format(school=school_name_or_id))
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
        now: The creation time (timezone-aware); defaults to the clock.

    Returns:
        The new, flushed Administrator.

    Raises:
        DomainError: If a value breaks the rules or the username is taken.
    """
    key = login_key(username)
    if not _ADMIN_USERNAME.fullmatch(key):
        raise DomainError(texts.ADMIN_USERNAME_RULES)
    name = display_name.strip() if isinstance(display_name, str) else ""
    if not name or len(name) > MAX_DISPLAY_NAME_CHARS or not name.isprintable():
        raise DomainError(texts.ADMIN_NAME_RULES.format(count=MAX_DISPLAY_NAME_CHARS))
    _validate_password(password)
    taken = DomainError(texts.ADMIN_USERNAME_TAKEN.format(username=key))
    if session.exec(select(Administrator.id).where(Administrator.username == key)).first():
        raise taken
    administrator = Administrator(
        username=key,
        display_name=name,
        password_hash=get_password_hashing().hash(password),
        is_active=True,
        created_at=clock.now_or(now),
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

    Raises:
        DomainError: If the administrator does not exist or the password is too short/long.
    """
    administrator = get_administrator(session, username)
    _validate_password(password)
    administrator.password_hash = get_password_hashing().hash(password)
    session.add(administrator)
    # Whoever knew the old password must not stay logged in.
    sessions.end_all(
        session,
        AdminSession,
        col(AdminSession.administrator_id),
        administrator.id or 0,
        clock.now_or(now),
    )
    session.flush()


def grant_school(session: Session, username: str, school_name_or_id: str | int) -> School:
    """Let an administrator administer a school (by exact name or id).

    Raises:
        DomainError: If the administrator or school does not exist, or access exists already.
    """
    administrator = get_administrator(session, username)
    school = _get_school(session, school_name_or_id)
    if session.get(AdministratorSchool, (administrator.id, school.id)) is not None:
        raise DomainError(
            texts.ADMIN_ALREADY_HAS_SCHOOL.format(
                username=administrator.username, school=school.name
            )
        )
    session.add(
        AdministratorSchool(administrator_id=administrator.id or 0, school_id=school.id or 0)
    )
    session.flush()
    return school


def revoke_school(session: Session, username: str, school_name_or_id: str | int) -> School:
    """Take a school away from an administrator; open sessions move to another of their schools.

    Raises:
        DomainError: If the administrator or school does not exist, or there is no access.
    """
    administrator = get_administrator(session, username)
    school = _get_school(session, school_name_or_id)
    link = session.get(AdministratorSchool, (administrator.id, school.id))
    if link is None:
        raise DomainError(
            texts.ADMIN_DOES_NOT_HAVE_SCHOOL.format(
                username=administrator.username, school=school.name
            )
        )
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
            schools=tuple(s.name for s in schools_of(session, administrator.id or 0)),
        )
        for administrator in administrators
    ]


def list_schools(session: Session) -> list[SchoolChoice]:
    """Every school, by name."""
    rows = session.exec(select(School.id, School.name)).all()
    return list(by_name([SchoolChoice(id=i, name=name) for i, name in rows if i]))


def school_numbers(session: Session) -> dict[int, str]:
    """The instellingsnummer of every school that has one, by school id."""
    rows = session.exec(select(School.id, School.instellingsnummer)).all()
    return {school_id: number for school_id, number in rows if school_id and number}
