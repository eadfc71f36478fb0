"""The append-only audit log: who did what to which LeerID and when (UTC); never a password."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import event, func
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, and_, col, select

from leerid_app.models import AuditEvent, Pupil
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
    # A pupil logged in to the Leerlingloket (actor PUPIL_ACTOR, pupil_id set, no administrator).
    PUPIL_LOGIN = "pupil_login"
    REPORT_DOWNLOADED = "report_downloaded"


ACTION_LABELS: dict[AuditAction, str] = {
    AuditAction.LOGIN: "Aangemeld",
    AuditAction.LOGIN_FAILED: "Mislukte aanmelding",
    AuditAction.LOGOUT: "Afgemeld",
    AuditAction.SESSION_EXPIRED: "Sessie verlopen",
    AuditAction.SCHOOL_SWITCHED: "Instelling gewijzigd",
    AuditAction.ACCESS_DENIED: "Toegang geweigerd",
    AuditAction.ACCOUNT_ACTIVATED: "LeerID geactiveerd",
    AuditAction.USERNAME_CHANGED: "Gebruikersnaam gewijzigd",
    AuditAction.PASSWORD_RENEWED: "Nieuw wachtwoord",
    AuditAction.EMAIL_REMOVED: "E-mailadres verwijderd",
    AuditAction.BULK_PASSWORDS_RENEWED: "Bulk: nieuwe wachtwoorden",
    AuditAction.BULK_ACCOUNTS_ACTIVATED: "Bulk: LeerID's geactiveerd",
    AuditAction.SLIPS_DOWNLOADED: "PDF gedownload",
    AuditAction.EXCEL_DOWNLOADED: "Excel gedownload",
    AuditAction.PUPIL_LOGIN: "Leerling aangemeld",
    AuditAction.REPORT_DOWNLOADED: "Rapport gedownload",
}
# The actor_username of events a pupil caused in the Leerlingloket.
PUPIL_ACTOR = "leerling"

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


def _as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes from timezone-aware columns; they were stored as UTC.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


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
        occurred_at=_as_utc(now or datetime.now(UTC)),
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


def action_label(action: str) -> str:
    """The Dutch label of a stored action value; unknown values are shown as they are."""
    try:
        return ACTION_LABELS[AuditAction(action)]
    except ValueError:
        return action


def details_text(details: str) -> str:
    """Stored details JSON as readable ``key: value; key: value`` text for the Logboek."""
    if not details:
        return ""
    try:
        decoded = json.loads(details)
    except ValueError:
        return details  # cut at the column limit, so no longer valid JSON: show it raw
    if not isinstance(decoded, dict):
        return str(decoded)
    return "; ".join(
        f"{DETAIL_LABELS.get(key, key)}: {_detail_value(value)}" for key, value in decoded.items()
    )


# The Logboek speaks Dutch; details are stored with stable English keys.
DETAIL_LABELS = {
    "bulk": "bulk",
    "count": "aantal",
    "from": "van",
    "to": "naar",
    "type": "type",
    "username": "gebruikersnaam",
    "reason": "reden",
    "school_id": "instelling",
    "argument": "argument",
    "report": "rapport",
}


def _detail_value(value: object) -> str:
    if value is True:
        return "ja"
    if value is False:
        return "nee"
    return str(value)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


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
        date_from: Only events on or after this UTC day.
        date_to: Only events on or before this UTC day (the whole day is included).
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
        conditions.append(col(AuditEvent.occurred_at) >= _day_start(date_from))
    if date_to is not None:
        conditions.append(col(AuditEvent.occurred_at) < _day_start(date_to + timedelta(days=1)))
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
    rows = [
        AuditRow(
            id=event_row.id or 0,
            occurred_at=_as_utc(event_row.occurred_at),
            actor_username=event_row.actor_username,
            action=event_row.action,
            action_label=action_label(event_row.action),
            pupil_id=event_row.pupil_id,
            pupil_name=f"{first_name} {last_name}" if stamnummer is not None else "",
            stamnummer=stamnummer or "",
            details=details_text(event_row.details),
        )
        for event_row, first_name, last_name, stamnummer in session.exec(statement).all()
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
