"""Ready for test day: who would fail to log in and why, per group and per pupil, in SQL."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlmodel import Session

from leerid_app.models import AuditEvent, LeerIDAccount, Pupil
from leerid_app.services.audit import AuditAction
from leerid_app.services.clock import SCHOOL_TIMEZONE, local_time
from leerid_app.services.errors import DomainError
from leerid_app.services.pupils import (
    AccountStatus,
    Attention,
    attention_condition,
    status_condition,
)

MAX_SCOPE_PUPILS = 5_000
MAX_GROUPS = 200
LOGIN_CHART_DAYS = 30
MSG_SCOPE_TOO_LARGE = f"Kies ten hoogste {MAX_SCOPE_PUPILS} leerlingen tegelijk."


class Reason(enum.StrEnum):
    """Why a pupil would not log in smoothly on test day; the first that applies counts."""

    NO_ACCOUNT = "no_account"
    INACTIVE = "inactive"
    EMAIL_LINKED = "email_linked"
    DEADLINE_PASSED = "deadline_passed"
    # Not logged in yet, but a password was issued lately: a slip is on its way. Renewing
    # again would void the slip just printed, so the fix leaves these alone.
    RECENTLY_ISSUED = "recently_issued"
    NEVER_LOGGED_IN = "never_logged_in"


class Fix(enum.StrEnum):
    """What the readiness fix does for a pupil with that reason."""

    ACTIVATE = "activate"
    RENEW = "renew"
    NONE = "none"


# An inactive pupil needs the administration package, not a password; an e-mail-linked pupil
# resets alone and bulk renewal may not touch them (the manual's rule).
FIX_FOR: dict[Reason, Fix] = {
    Reason.NO_ACCOUNT: Fix.ACTIVATE,
    Reason.INACTIVE: Fix.NONE,
    Reason.EMAIL_LINKED: Fix.NONE,
    Reason.DEADLINE_PASSED: Fix.RENEW,
    Reason.RECENTLY_ISSUED: Fix.NONE,
    Reason.NEVER_LOGGED_IN: Fix.RENEW,
}
RECENT_PASSWORD_DAYS = 14


def fresh_since(today: date) -> datetime:
    """The moment from which an issued password counts as fresh (start of a Brussels day)."""
    first = today - timedelta(days=RECENT_PASSWORD_DAYS)
    return datetime.combine(first, time.min, tzinfo=SCHOOL_TIMEZONE).astimezone(UTC)


def reason_expression(today: date) -> ColumnElement[str | None]:
    """The pupil's reason as one SQL CASE (NULL when the pupil is ready), over the list's join."""
    return case(
        (status_condition(AccountStatus.GEEN_ACCOUNT, today), Reason.NO_ACCOUNT.value),
        (Pupil.enrollment_end < today, Reason.INACTIVE.value),
        (attention_condition(Attention.EMAIL_LINKED, today), Reason.EMAIL_LINKED.value),
        (attention_condition(Attention.DEADLINE_PASSED, today), Reason.DEADLINE_PASSED.value),
        (
            and_(
                attention_condition(Attention.NOT_LOGGED_IN, today),
                LeerIDAccount.password_changed_at >= fresh_since(today),
            ),
            Reason.RECENTLY_ISSUED.value,
        ),
        (attention_condition(Attention.NOT_LOGGED_IN, today), Reason.NEVER_LOGGED_IN.value),
        else_=None,
    )


def _joined(statement: Select) -> Select:
    return statement.select_from(Pupil).outerjoin(LeerIDAccount, LeerIDAccount.pupil_id == Pupil.id)


@dataclass(frozen=True)
class Scope:
    """Which pupils a readiness check covers: whole groups, or the list's selection."""

    groups: tuple[str, ...] = ()
    pupil_ids: frozenset[int] = frozenset()

    @classmethod
    def of(cls, *, groups: Collection[str] = (), pupil_ids: Collection[int] = ()) -> Scope:
        """A checked scope; refuses more than a bulk run could take."""
        if len(groups) > MAX_GROUPS or len(pupil_ids) > MAX_SCOPE_PUPILS:
            raise DomainError(MSG_SCOPE_TOO_LARGE)
        return cls(tuple(sorted(set(groups))), frozenset(int(i) for i in pupil_ids))

    @property
    def empty(self) -> bool:
        """Nothing chosen yet."""
        return not self.groups and not self.pupil_ids

    def conditions(self, school_id: int) -> list[ColumnElement[bool]]:
        """The school scope first, then the chosen groups or pupils (either matches)."""
        parts: list[ColumnElement[bool]] = []
        if self.groups:
            parts.append(Pupil.administrative_group.in_(self.groups))
        if self.pupil_ids:
            parts.append(Pupil.id.in_(sorted(self.pupil_ids)))
        return [Pupil.school_id == school_id, or_(*parts) if parts else Pupil.id.is_(None)]


@dataclass(frozen=True)
class ReadinessRow:
    """A pupil who would not log in smoothly, with the reason and what the fix does."""

    pupil_id: int
    stamnummer: str
    first_name: str
    last_name: str
    administrative_group: str
    username: str
    reason: Reason

    @property
    def fix(self) -> Fix:
        """Activation, a new password, or nothing the console can do."""
        return FIX_FOR[self.reason]


@dataclass(frozen=True)
class ReadinessReport:
    """Counts per reason over the whole scope, and one page of the pupils concerned."""

    total: int
    counts: dict[Reason, int]
    rows: list[ReadinessRow]
    page: int
    page_size: int

    @property
    def ready(self) -> int:
        """Pupils with an active account who logged in and need nothing."""
        return self.total - sum(self.counts.values())

    @property
    def concerned(self) -> int:
        """Pupils with any reason (the rows of the table)."""
        return sum(self.counts.values())

    @property
    def to_activate(self) -> int:
        """How many the fix activates."""
        return sum(n for r, n in self.counts.items() if FIX_FOR[r] is Fix.ACTIVATE)

    @property
    def to_renew(self) -> int:
        """How many the fix gives a new password."""
        return sum(n for r, n in self.counts.items() if FIX_FOR[r] is Fix.RENEW)

    @property
    def page_count(self) -> int:
        """At least one page."""
        return max(1, -(-self.concerned // self.page_size))


def check_readiness(
    session: Session,
    *,
    school_id: int,
    scope: Scope,
    today: date,
    page: int = 1,
    page_size: int = 50,
) -> ReadinessReport:
    """Count every reason in the scope in one grouped query, then read one page of pupils."""
    reason = reason_expression(today)
    where = scope.conditions(school_id)
    counts: dict[Reason, int] = {}
    total = 0
    grouped = _joined(select(reason.label("reason"), func.count(Pupil.id))).where(*where)
    for value, count in session.execute(grouped.group_by(reason)):
        total += count
        if value is not None:
            counts[Reason(value)] = count
    page_size = max(1, min(page_size, 200))
    concerned = sum(counts.values())
    page = max(1, min(page, max(1, -(-concerned // page_size))))
    statement = (
        _joined(
            select(
                Pupil.id,
                Pupil.stamnummer,
                Pupil.first_name,
                Pupil.last_name,
                Pupil.administrative_group,
                LeerIDAccount.username,
                reason,
            )
        )
        .where(*where, reason.is_not(None))
        .order_by(Pupil.administrative_group, Pupil.sort_key, Pupil.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    rows = [
        ReadinessRow(pupil_id, stamnummer, first, last, group, username or "", Reason(value))
        for pupil_id, stamnummer, first, last, group, username, value in session.execute(statement)
    ]
    return ReadinessReport(total, counts, rows, page, page_size)


@dataclass(frozen=True)
class FixTargets:
    """The pupils the readiness fix activates and those it gives a new password."""

    activate: list[int]
    renew: list[int]


def fix_targets(session: Session, *, school_id: int, scope: Scope, today: date) -> FixTargets:
    """Exactly the pupils whose reason a bulk run can fix, read fresh from the database."""
    reason = reason_expression(today)
    fixable = [r.value for r, fix in FIX_FOR.items() if fix is not Fix.NONE]
    statement = _joined(select(Pupil.id, reason)).where(
        *scope.conditions(school_id), reason.in_(fixable)
    )
    activate: list[int] = []
    renew: list[int] = []
    for pupil_id, value in session.execute(statement):
        (activate if FIX_FOR[Reason(value)] is Fix.ACTIVATE else renew).append(pupil_id)
    return FixTargets(sorted(activate), sorted(renew))


class Column(enum.StrEnum):
    """The Overzicht's count columns; each is a filter of the pupil list."""

    PUPILS = "pupils"
    ACTIVE = "active"
    NOT_LOGGED_IN = "not_logged_in"
    MUST_CHOOSE = "must_choose"
    DEADLINE_PASSED = "deadline_passed"
    EMAIL_LINKED = "email_linked"
    NO_ACCOUNT = "no_account"
    INACTIVE = "inactive"


# Status and attention filter per column: the Overzicht counts with exactly the conditions
# the list filters with, so a number and the list it links to cannot disagree.
COLUMN_FILTERS: dict[Column, tuple[AccountStatus | None, Attention | None]] = {
    Column.PUPILS: (None, None),
    Column.ACTIVE: (AccountStatus.ACTIEF, None),
    Column.NOT_LOGGED_IN: (AccountStatus.ACTIEF, Attention.NOT_LOGGED_IN),
    Column.MUST_CHOOSE: (AccountStatus.ACTIEF, Attention.MUST_CHOOSE),
    Column.DEADLINE_PASSED: (AccountStatus.ACTIEF, Attention.DEADLINE_PASSED),
    Column.EMAIL_LINKED: (AccountStatus.ACTIEF, Attention.EMAIL_LINKED),
    Column.NO_ACCOUNT: (AccountStatus.GEEN_ACCOUNT, None),
    Column.INACTIVE: (AccountStatus.INACTIEF, None),
}


def _column_condition(column: Column, today: date) -> ColumnElement[bool] | None:
    status, attention = COLUMN_FILTERS[column]
    parts = []
    if status is not None:
        parts.append(status_condition(status, today))
    if attention is not None:
        parts.append(attention_condition(attention, today))
    return and_(*parts) if parts else None


@dataclass(frozen=True)
class GroupOverview:
    """One administrative group's numbers (group ``""`` is the whole school)."""

    administrative_group: str
    counts: dict[Column, int] = field(default_factory=dict)


def group_overview(session: Session, *, school_id: int, today: date) -> list[GroupOverview]:
    """Per group every column's count, from one grouped query; the school's total last."""
    aggregates = []
    for column in Column:
        condition = _column_condition(column, today)
        aggregates.append(
            func.count(Pupil.id)
            if condition is None
            else func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
        )
    statement = (
        _joined(select(Pupil.administrative_group, *aggregates))
        .where(Pupil.school_id == school_id)
        .group_by(Pupil.administrative_group)
        .order_by(Pupil.administrative_group)
    )
    groups = [
        GroupOverview(group, dict(zip(Column, map(int, values), strict=True)))
        for group, *values in session.execute(statement)
    ]
    totals = {column: sum(g.counts[column] for g in groups) for column in Column}
    return [*groups, GroupOverview("", totals)]


class LoginSource(enum.StrEnum):
    """Where the chart's numbers come from."""

    AUDIT = "audit"  # every login the Leerlingloket recorded
    LAST_LOGIN = "last_login"  # only each pupil's latest login (no login events yet)


@dataclass(frozen=True)
class LoginChart:
    """Logins per Brussels day, oldest first, every day present (zero when none)."""

    days: list[tuple[date, int]]
    source: LoginSource

    @property
    def total(self) -> int:
        """All logins in the period."""
        return sum(count for _day, count in self.days)


def _hour_bucket(session: Session, column) -> ColumnElement:
    """The Brussels day (PostgreSQL) or the UTC ``YYYY-MM-DD HH`` (SQLite, which knows no time
    zones) of a timestamp: a few dozen or hundred groups instead of every row."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone(SCHOOL_TIMEZONE.key, column))
    return func.substr(column, 1, 13)  # SQLite stores UTC as ISO text


def _per_day(
    session: Session, statement: Select, bucket: ColumnElement[str], first: date, today: date
) -> list[tuple[date, int]]:
    per_day: Counter[date] = Counter()
    for bucket_value, count in session.execute(statement.group_by(bucket)):
        if isinstance(bucket_value, date):
            per_day[bucket_value] += count
            continue
        moment = datetime.strptime(bucket_value, "%Y-%m-%d %H").replace(tzinfo=UTC)
        per_day[local_time(moment).date()] += count
    return [
        (day, per_day.get(day, 0))
        for day in (first + timedelta(days=n) for n in range((today - first).days + 1))
    ]


def logins_per_day(
    session: Session, *, school_id: int, today: date, days: int = LOGIN_CHART_DAYS
) -> LoginChart:
    """Pupil logins per day over the last ``days`` Brussels days, today included.

    From the Leerlingloket's login events when the school has any, else from each account's
    ``last_login_at`` (which shows only the latest login of every pupil).
    """
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, time.min, tzinfo=SCHOOL_TIMEZONE).astimezone(UTC)
    until = datetime.combine(today + timedelta(days=1), time.min, tzinfo=SCHOOL_TIMEZONE)
    until = until.astimezone(UTC)
    bucket = _hour_bucket(session, AuditEvent.occurred_at)
    events = select(bucket, func.count(AuditEvent.id)).where(
        AuditEvent.school_id == school_id,
        AuditEvent.action == AuditAction.PUPIL_LOGIN.value,
        AuditEvent.occurred_at >= since,
        AuditEvent.occurred_at < until,
    )
    any_event = select(AuditEvent.id).where(
        AuditEvent.school_id == school_id, AuditEvent.action == AuditAction.PUPIL_LOGIN.value
    )
    if session.execute(any_event.limit(1)).first() is not None:
        return LoginChart(_per_day(session, events, bucket, first, today), LoginSource.AUDIT)
    bucket = _hour_bucket(session, LeerIDAccount.last_login_at)
    latest = (
        select(bucket, func.count(LeerIDAccount.id))
        .join(Pupil, Pupil.id == LeerIDAccount.pupil_id)
        .where(
            Pupil.school_id == school_id,
            LeerIDAccount.last_login_at >= since,
            LeerIDAccount.last_login_at < until,
        )
    )
    return LoginChart(_per_day(session, latest, bucket, first, today), LoginSource.LAST_LOGIN)


def reason_counts_in_order(report: ReadinessReport) -> Sequence[tuple[Reason, int]]:
    """Every reason with its count (zero included), in the order reasons are decided."""
    return [(reason, report.counts.get(reason, 0)) for reason in Reason]
