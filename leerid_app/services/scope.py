"""School scope: which schools an administrator works in, and the one pupil-in-school lookup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from sqlmodel import Session, col, select

from leerid_app import texts
from leerid_app.models import AdministratorSchool, Pupil, School
from leerid_app.services import clock
from leerid_app.services.audit import AuditAction, record_event
from leerid_app.services.errors import DomainError, NotAllowed, NotFound

# Pupil.id is a 32-bit INTEGER; a larger number would make PostgreSQL raise instead of refuse.
MAX_DATABASE_ID = 2**31 - 1


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


def is_database_id(value: object) -> bool:
    """Whether a value from the browser can be a row id (a positive 32-bit int, not a bool)."""
    # type() rather than isinstance(): True is an int too, and must not mean pupil 1.
    return type(value) is int and 0 < value <= MAX_DATABASE_ID


def by_name(choices: list[SchoolChoice] | tuple[SchoolChoice, ...]) -> tuple[SchoolChoice, ...]:
    """Schools sorted in Python, so SQLite and PostgreSQL (whose collations differ) agree."""
    return tuple(
        sorted(choices, key=lambda choice: (choice.name.casefold(), choice.name, choice.id))
    )


def schools_of(session: Session, administrator_id: int) -> tuple[SchoolChoice, ...]:
    """The schools an administrator administers, by name."""
    rows = session.exec(
        select(School.id, School.name)
        .join(AdministratorSchool, col(AdministratorSchool.school_id) == col(School.id))
        .where(AdministratorSchool.administrator_id == administrator_id)
    ).all()
    return by_name([SchoolChoice(id=school_id, name=name) for school_id, name in rows])


def deny(
    session: Session,
    context: AdminContext,
    details: dict[str, object],
    *,
    now: datetime | None = None,
) -> None:
    """Audit a refused request (ACCESS_DENIED) in the administrator's current school."""
    record_event(
        session,
        action=AuditAction.ACCESS_DENIED,
        actor_administrator_id=context.administrator_id,
        actor_username=context.username,
        school_id=context.school_id,
        details=details,
        now=clock.now_or(now),
    )


def pupil_in_school(session: Session, *, school_id: int, pupil_id: int) -> Pupil:
    """The pupil, or NotFound when no pupil with that id exists in this school."""
    pupil = session.get(Pupil, pupil_id) if is_database_id(pupil_id) else None
    if pupil is None or pupil.school_id != school_id:
        raise NotFound(texts.PUPIL_NOT_IN_SCHOOL)
    return pupil


def require_pupil_in_scope(
    session: Session, context: AdminContext, pupil_id: object, *, now: datetime | None = None
) -> Pupil:
    """Load a pupil only if the id is well-formed and the pupil belongs to the current school.

    Every event handler calls this with whatever the browser sent. A refusal is audited
    ACCESS_DENIED; the caller must still commit when it catches the error, or the audit
    event is rolled back with it.

    Args:
        session: The caller's database session.
        context: The live context from ``auth.resolve_session``.
        pupil_id: The raw argument from the browser.
        now: The time of the request (timezone-aware); defaults to the clock.

    Returns:
        The pupil.

    Raises:
        NotAllowed: If ``pupil_id`` is not a positive int (bools, strings, None refused).
        NotFound: If no pupil with that id exists in the administrator's current school.
    """
    if not is_database_id(pupil_id):
        refuse_argument(session, context, pupil_id, now=now)
    assert isinstance(pupil_id, int)
    try:
        return pupil_in_school(session, school_id=context.school_id, pupil_id=pupil_id)
    except NotFound as error:
        # The pupil id goes into the details only: linking the event to another school's
        # pupil would show that pupil's name in this school's Logboek.
        refuse(session, context, "pupil_not_in_school", pupil_id, error, now=now)


def refuse(
    session: Session,
    context: AdminContext,
    reason: str,
    argument: object,
    error: DomainError,
    *,
    now: datetime | None = None,
) -> NoReturn:
    """Audit a refused request (with the browser's argument), then raise ``error``."""
    deny(session, context, {"reason": reason, "argument": repr(argument)[:100]}, now=now)
    raise error


def refuse_argument(
    session: Session, context: AdminContext, argument: object, *, now: datetime | None = None
) -> NoReturn:
    """Audit and refuse an argument of the wrong shape (any handler, any argument)."""
    refuse(
        session, context, "invalid_argument", argument, NotAllowed(texts.INVALID_REQUEST), now=now
    )
