"""The append-only audit log: who did what to which LeerID and when (UTC); never a password."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import event, func, insert
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, and_, col, select

from leerid_app import texts
from leerid_app.models import AuditEvent, Pupil, School
from leerid_app.services import audit_details, clock
from leerid_app.services.text import LIKE_ESCAPE, escape_like, search_words


class AuditAction(StrEnum):
    """What an audit event records; the value is what the ``action`` column stores."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    SESSION_EXPIRED = "session_expired"
    SCHOOL_SWITCHED = "school_switched"
    # A refused request: a pupil outside the administrator's school, or malformed arguments.
    ACCESS_DENIED = "access_denied"
    ACCOUNT_ACTIVATED = "account_activated"
    USERNAME_CHANGED = "username_changed"
    PASSWORD_RENEWED = "password_renewed"  # noqa: S105 (an action name, not a password)
    EMAIL_REMOVED = "email_removed"
    BULK_PASSWORDS_RENEWED = "bulk_passwords_renewed"
    BULK_ACCOUNTS_ACTIVATED = "bulk_accounts_activated"
    SLIPS_DOWNLOADED = "slips_downloaded"
    EXCEL_DOWNLOADED = "excel_downloaded"
    # A planned change left undone: the LeerID changed after the plan was shown.
    CHANGE_REFUSED = "change_refused"
    PUPILS_IMPORTED = "pupils_imported"
    # The Leerlingloket: events a pupil causes (actor PUPIL_ACTOR, pupil_id set).
    PUPIL_LOGIN = "pupil_login"
    PUPIL_LOGIN_FAILED = "pupil_login_failed"
    PUPIL_LOGOUT = "pupil_logout"
    PUPIL_PASSWORD_CHANGED = "pupil_password_changed"  # noqa: S105 (an action name)
    PUPIL_EMAIL_REQUESTED = "pupil_email_requested"
    PUPIL_EMAIL_LINKED = "pupil_email_linked"
    PUPIL_EMAIL_REMOVED = "pupil_email_removed"
    PUPIL_RESET_REQUESTED = "pupil_reset_requested"
    PUPIL_RESET_DONE = "pupil_reset_done"
    REPORT_DOWNLOADED = "report_downloaded"


# The actor_username of events a pupil causes in the Leerlingloket (no administrator).
PUPIL_ACTOR = "leerling"


ACTION_LABELS: dict[AuditAction, str] = {
    action: texts.AUDIT_ACTION_LABELS[action.value] for action in AuditAction
}

# Key fragments that smell of a secret: such a key is refused outright, so a careless
# caller cannot put a password (or its hash) into the log, not even by accident.
FORBIDDEN_DETAIL_KEY_PARTS = ("password", "wachtwoord", "hash", "token", "secret")

DETAILS_MAX_CHARS = 2000
ACTOR_USERNAME_MAX_CHARS = 80
MAX_PAGE_SIZE = 200
# A search longer than this is not a name any more; capping it keeps the LIKE cheap.
MAX_PUPIL_QUERY_CHARS = 100
MAX_PUPIL_QUERY_TERMS = 5


class AuditLogAppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit event through the ORM."""


@dataclass(frozen=True)
class AuditRow:
    """One line of the Logboek page, as plain values."""

    id: int
    occurred_at: datetime
    actor_username: str
    action: str
    action_label: str
    pupil_id: int | None
    pupil_name: str
    stamnummer: str
    details: str


@dataclass(frozen=True)
class AuditPage:
    """One page of audit rows plus the total number of matching events."""

    rows: list[AuditRow]
    total: int
    page: int
    page_size: int

    @property
    def page_count(self) -> int:
        """Number of pages (at least 1, so an empty log still shows page 1 of 1)."""
        return max(1, math.ceil(self.total / self.page_size))


def _check_detail_keys(value: object) -> None:
    if isinstance(value, Mapping):
        for key, nested in value.items():
            if not isinstance(key, str):
                raise ValueError(f"audit detail keys must be strings, got {key!r}")
            lowered = key.casefold()
            if any(part in lowered for part in FORBIDDEN_DETAIL_KEY_PARTS):
                raise ValueError(f"audit details must not hold secrets (key {key!r})")
            _check_detail_keys(nested)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_detail_keys(item)


def _encode_details(details: Mapping[str, object] | None) -> str:
    if not details:
        return ""
    _check_detail_keys(details)
    text = json.dumps(
        details, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    if len(text) > DETAILS_MAX_CHARS:
        # Keep the column's limit on both databases; the ellipsis shows it was cut.
        text = text[: DETAILS_MAX_CHARS - 1] + "…"
    return text


def record_event(
    session: Session,
    *,
    action: AuditAction,
    actor_administrator_id: int | None,
    actor_username: str,
    school_id: int | None = None,
    pupil_id: int | None = None,
    details: Mapping[str, object] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append one audit event to the caller's unit of work (neither flushed nor committed).

    This is the only write path of the audit log; there is deliberately no update or
    delete function, and the ORM refuses both (see ``AuditLogAppendOnlyError``).

    Args:
        session: The caller's database session; the caller commits.
        action: What happened.
        actor_administrator_id: The administrator who acted, or None (e.g. failed login).
        actor_username: The name the actor used; cut to 80 characters.
        school_id: The school whose Logboek shows the event, if any.
        pupil_id: The pupil the event is about, if any.
        details: Extra facts, stored as compact JSON with sorted keys, cut to 2000 characters.
        now: The time of the event (timezone-aware); defaults to the current UTC time.

    Returns:
        The new AuditEvent, added to the session (its id is set at the next flush).

    Raises:
        ValueError: If ``action`` is unknown or a details key names a secret
            (password, wachtwoord, hash, token, secret) or is not a string.
    """
    action = AuditAction(action)
    event_row = AuditEvent(
        occurred_at=clock.now_or(now),
        actor_administrator_id=actor_administrator_id,
        actor_username=(actor_username or "")[:ACTOR_USERNAME_MAX_CHARS],
        school_id=school_id,
        pupil_id=pupil_id,
        action=action.value,
        details=_encode_details(details),
    )
    # No flush here: a bulk action records hundreds of events, and letting the unit of work
    # insert them together is far cheaper than one round trip each.
    session.add(event_row)
    return event_row


def record_events(
    session: Session,
    *,
    action: AuditAction,
    actor_administrator_id: int | None,
    actor_username: str,
    school_id: int | None,
    per_pupil: Sequence[tuple[int, Mapping[str, object] | None]],
    now: datetime,
) -> None:
    """Append one event per (pupil id, details) of one action, as one multi-row INSERT.

    The same checks as ``record_event``; for a bulk run of thousands of pupils, where adding
    an ORM object per event would cost more than the whole statement.
    """
    action = AuditAction(action)
    common = {
        "occurred_at": clock.as_utc(now),
        "actor_administrator_id": actor_administrator_id,
        "actor_username": (actor_username or "")[:ACTOR_USERNAME_MAX_CHARS],
        "school_id": school_id,
        "action": action.value,
    }
    rows = [
        {**common, "pupil_id": pupil_id, "details": _encode_details(details)}
        for pupil_id, details in per_pupil
    ]
    if rows:
        session.execute(insert(AuditEvent.__table__), rows)


def action_label(action: str) -> str:
    """The Dutch label of a stored action value; unknown values are shown as they are."""
    try:
        return ACTION_LABELS[AuditAction(action)]
    except ValueError:
        return action


def list_events(
    session: Session,
    *,
    school_id: int,
    pupil_query: str = "",
    action: AuditAction | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: int = 1,
    page_size: int = 50,
) -> AuditPage:
    """One page of a school's audit log, newest first, filtered and paged in the database.

    Args:
        session: The caller's database session.
        school_id: The school whose log is shown (the caller checked the administrator's scope).
        pupil_query: Words that must all occur in the pupil's stamnummer or name, ignoring
            case and accents; events without a pupil do not match a non-empty query.
        action: Only events of this action.
        date_from: Only events on or after this day in Brussels (the school's clock).
        date_to: Only events on or before this Brussels day (the whole day is included).
        page: 1-based page number; clamped to the existing pages.
        page_size: Rows per page; clamped to 1..200.

    Returns:
        The rows of the page, the total number of matching events and the page used.
    """
    page_size = min(max(1, int(page_size)), MAX_PAGE_SIZE)
    conditions = [AuditEvent.school_id == school_id]
    if action is not None:
        conditions.append(AuditEvent.action == AuditAction(action).value)
    if date_from is not None:
        conditions.append(col(AuditEvent.occurred_at) >= clock.day_start(date_from))
    if date_to is not None:
        conditions.append(col(AuditEvent.occurred_at) < clock.day_end(date_to))
    terms = search_words((pupil_query or "")[:MAX_PUPIL_QUERY_CHARS])[:MAX_PUPIL_QUERY_TERMS]
    for term in terms:
        pattern = f"%{escape_like(term)}%"
        conditions.append(col(Pupil.search_text).like(pattern, escape=LIKE_ESCAPE))
    where = and_(*conditions)
    # An outer join keeps events without a pupil; a pupil filter drops them naturally.
    join_on = col(AuditEvent.pupil_id) == col(Pupil.id)

    total = session.exec(
        select(func.count()).select_from(AuditEvent).outerjoin(Pupil, join_on).where(where)
    ).one()
    page_count = max(1, math.ceil(total / page_size))
    page = min(max(1, int(page)), page_count)

    statement = (
        select(AuditEvent, Pupil.first_name, Pupil.last_name, Pupil.stamnummer)
        .outerjoin(Pupil, join_on)
        .where(where)
        .order_by(col(AuditEvent.occurred_at).desc(), col(AuditEvent.id).desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    found = session.exec(statement).all()
    named = set().union(*(audit_details.school_ids(row[0].details) for row in found))
    schools = (
        dict(session.exec(select(School.id, School.name).where(col(School.id).in_(named))).all())
        if named
        else {}
    )
    rows = [
        AuditRow(
            id=event_row.id or 0,
            occurred_at=clock.as_utc(event_row.occurred_at),
            actor_username=event_row.actor_username,
            action=event_row.action,
            action_label=action_label(event_row.action),
            pupil_id=event_row.pupil_id,
            pupil_name=f"{first_name} {last_name}" if stamnummer is not None else "",
            stamnummer=stamnummer or "",
            details=audit_details.describe(event_row.action, event_row.details, schools),
        )
        for event_row, first_name, last_name, stamnummer in found
    ]
    return AuditPage(rows=rows, total=total, page=page, page_size=page_size)


# --- Append-only guards -------------------------------------------------------------------
# The module offers no update or delete; these listeners make the ORM refuse them too, so a
# later change elsewhere cannot quietly rewrite history. (Raw SQL bypasses them; a database
# trigger or privilege would close that path too.)


def _refuse_change(_mapper: object, _connection: object, target: AuditEvent) -> None:
    raise AuditLogAppendOnlyError(f"audit event {target.id} cannot be changed or deleted")


def _refuse_bulk_change(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    if any(mapper.class_ is AuditEvent for mapper in state.all_mappers):
        raise AuditLogAppendOnlyError("audit events cannot be changed or deleted")


event.listen(AuditEvent, "before_update", _refuse_change)
event.listen(AuditEvent, "before_delete", _refuse_change)
# On the base Session class so every session (sqlmodel's included) is covered.
event.listen(OrmSession, "do_orm_execute", _refuse_bulk_change)
