"""Reports for the administration package: data to fix (Gegevenscontrole) and who leaves."""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select, tuple_
from sqlmodel import Session

from leerid_app.models import LeerIDAccount, Pupil
from leerid_app.services.errors import DomainError
from leerid_app.services.pupils import AccountStatus, derive_status

MAX_REPORT_DAYS = 3 * 366
MSG_BAD_PERIOD = "Kies een periode waarvan het begin voor het einde ligt (ten hoogste 3 jaar)."
_SPACES = re.compile(r"\s+")


class DataIssueKind(enum.StrEnum):
    """What the school should correct in its administration package."""

    NAME_DIFFERS = "name_differs"
    BIRTH_DATE_DIFFERS = "birth_date_differs"
    MISSING_OFFICIAL = "missing_official"
    DUPLICATE_INSZ = "duplicate_insz"
    LIKELY_DUPLICATE = "likely_duplicate"


@dataclass(frozen=True)
class DataIssue:
    """One finding about one pupil; ``enrollment``/``official`` hold the differing values."""

    kind: DataIssueKind
    pupil_id: int
    stamnummer: str
    first_name: str
    last_name: str
    administrative_group: str
    enrollment: str = ""
    official: str = ""
    related: tuple[str, ...] = ()  # stamnummers of the other pupil(s) involved


def _same_name(a: str, b: str) -> bool:
    # Case and spacing are the package's habit; a different letter or accent is a real error.
    return _SPACES.sub(" ", a).strip().casefold() == _SPACES.sub(" ", b).strip().casefold()


def insz_birth_date(insz: str | None) -> date | None:
    """The birth date an INSZ (rijksregister- or bisnummer) encodes; None when unknown.

    The checksum tells the century: 97 - (first nine digits mod 97), with a ``2`` prefixed
    for births from 2000. A bisnummer adds 20 or 40 to the month; month or day 00 is unknown.
    """
    if not insz or len(insz) != 11 or not insz.isdigit():
        return None
    body, check = insz[:9], int(insz[9:])
    if 97 - int(body) % 97 == check:
        century = 1900
    elif 97 - int("2" + body) % 97 == check:
        century = 2000
    else:
        return None
    year, month, day = int(insz[:2]), int(insz[2:4]) % 20, int(insz[4:6])
    if int(insz[2:4]) > 52 or month == 0 or day == 0:
        return None
    try:
        return date(century + year, month, day)
    except ValueError:
        return None


def _yymmdd(session: Session, column) -> ColumnElement[str]:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYMMDD")
    return func.substr(func.strftime("%Y%m%d", column), 3, 6)  # SQLite has no %y


def _issue(kind: DataIssueKind, pupil: Pupil, **values) -> DataIssue:
    assert pupil.id is not None
    return DataIssue(
        kind,
        pupil.id,
        pupil.stamnummer,
        pupil.first_name,
        pupil.last_name,
        pupil.administrative_group,
        **values,
    )


def data_check(session: Session, *, school_id: int, today: date) -> list[DataIssue]:
    """Every finding about the school's enrolled pupils, sorted by kind, group and name.

    Each rule is one SQL query that returns only candidates; Python only refines those
    (case-insensitive names, bisnummer months), never reads the whole school.
    """
    enrolled = [Pupil.school_id == school_id, Pupil.enrollment_end >= today]
    issues: list[DataIssue] = []

    names = select(Pupil).where(
        *enrolled,
        or_(
            and_(
                Pupil.official_first_name.is_not(None),
                func.lower(Pupil.first_name) != func.lower(Pupil.official_first_name),
            ),
            and_(
                Pupil.official_last_name.is_not(None),
                func.lower(Pupil.last_name) != func.lower(Pupil.official_last_name),
            ),
        ),
    )
    for pupil in session.execute(names).scalars():
        official = f"{pupil.official_first_name or ''} {pupil.official_last_name or ''}".strip()
        first_ok = pupil.official_first_name is None or _same_name(
            pupil.first_name, pupil.official_first_name
        )
        last_ok = pupil.official_last_name is None or _same_name(
            pupil.last_name, pupil.official_last_name
        )
        if not (first_ok and last_ok):
            enrollment = f"{pupil.first_name} {pupil.last_name}"
            issues.append(
                _issue(DataIssueKind.NAME_DIFFERS, pupil, enrollment=enrollment, official=official)
            )

    births = select(Pupil).where(
        *enrolled,
        Pupil.insz.is_not(None),
        Pupil.birth_date.is_not(None),
        func.substr(Pupil.insz, 1, 6) != _yymmdd(session, Pupil.birth_date),
    )
    for pupil in session.execute(births).scalars():
        encoded = insz_birth_date(pupil.insz)
        if encoded is not None and encoded != pupil.birth_date:
            issues.append(
                _issue(
                    DataIssueKind.BIRTH_DATE_DIFFERS,
                    pupil,
                    enrollment=encoded.isoformat(),
                    official=pupil.birth_date.isoformat() if pupil.birth_date else "",
                )
            )

    missing = select(Pupil).where(
        *enrolled,
        Pupil.official_first_name.is_(None),
        Pupil.official_last_name.is_(None),
        Pupil.gender.is_(None),
        Pupil.birth_date.is_(None),
    )
    issues.extend(
        _issue(DataIssueKind.MISSING_OFFICIAL, pupil)
        for pupil in session.execute(missing).scalars()
    )

    shared_insz = (
        select(Pupil.insz)
        .where(*enrolled, Pupil.insz.is_not(None), Pupil.insz != "")
        .group_by(Pupil.insz)
        .having(func.count(Pupil.id) > 1)
    )
    issues.extend(
        _related(
            session,
            DataIssueKind.DUPLICATE_INSZ,
            select(Pupil).where(*enrolled, Pupil.insz.in_(shared_insz)),
            key=lambda pupil: pupil.insz,
        )
    )

    same_person = (
        select(Pupil.sort_key, Pupil.birth_date)
        .where(*enrolled, Pupil.birth_date.is_not(None))
        .group_by(Pupil.sort_key, Pupil.birth_date)
        .having(func.count(Pupil.id) > 1)
    )
    issues.extend(
        _related(
            session,
            DataIssueKind.LIKELY_DUPLICATE,
            select(Pupil).where(
                *enrolled, tuple_(Pupil.sort_key, Pupil.birth_date).in_(same_person)
            ),
            key=lambda pupil: (pupil.sort_key, pupil.birth_date),
        )
    )
    order = list(DataIssueKind)
    issues.sort(
        key=lambda i: (
            order.index(i.kind),
            i.administrative_group.casefold(),
            i.last_name.casefold(),
            i.first_name.casefold(),
            i.stamnummer,
        )
    )
    return issues


def _related(session: Session, kind: DataIssueKind, statement, *, key) -> list[DataIssue]:
    """One issue per pupil of a clash, naming the other pupils of the same clash."""
    pupils = list(session.execute(statement).scalars())
    clashes: dict[object, list[Pupil]] = {}
    for pupil in pupils:
        clashes.setdefault(key(pupil), []).append(pupil)
    return [
        _issue(
            kind,
            pupil,
            related=tuple(sorted(o.stamnummer for o in members if o.id != pupil.id)),
        )
        for members in clashes.values()
        for pupil in members
    ]


@dataclass(frozen=True)
class Leaver:
    """A pupil whose enrollment ends in the period, with the LeerID that then stops."""

    pupil_id: int
    stamnummer: str
    first_name: str
    last_name: str
    administrative_group: str
    enrollment_end: date
    username: str
    status: AccountStatus


@dataclass(frozen=True)
class LeaversReport:
    """Counts per group over the whole period, and the pupils (one page or all)."""

    per_group: list[tuple[str, int]]
    rows: list[Leaver]
    total: int
    page: int
    page_size: int

    @property
    def page_count(self) -> int:
        """At least one page."""
        return max(1, -(-self.total // self.page_size))


def check_period(date_from: date, date_to: date) -> None:
    """Refuse a reversed or absurdly long period."""
    if date_to < date_from or (date_to - date_from).days > MAX_REPORT_DAYS:
        raise DomainError(MSG_BAD_PERIOD)


def leavers(
    session: Session,
    *,
    school_id: int,
    date_from: date,
    date_to: date,
    today: date,
    page: int | None = 1,
    page_size: int = 50,
) -> LeaversReport:
    """Pupils whose enrollment ends from ``date_from`` to ``date_to`` (both included).

    ``page=None`` returns every row (for the Excel); counts per group come from SQL either way.
    """
    check_period(date_from, date_to)
    where = [
        Pupil.school_id == school_id,
        Pupil.enrollment_end >= date_from,
        Pupil.enrollment_end <= date_to,
    ]
    per_group = [
        (group, count)
        for group, count in session.execute(
            select(Pupil.administrative_group, func.count(Pupil.id))
            .where(*where)
            .group_by(Pupil.administrative_group)
            .order_by(Pupil.administrative_group)
        )
    ]
    total = sum(count for _group, count in per_group)
    statement = (
        select(
            Pupil.id,
            Pupil.stamnummer,
            Pupil.first_name,
            Pupil.last_name,
            Pupil.administrative_group,
            Pupil.enrollment_end,
            LeerIDAccount.username,
        )
        .select_from(Pupil)
        .outerjoin(LeerIDAccount, LeerIDAccount.pupil_id == Pupil.id)
        .where(*where)
        .order_by(Pupil.administrative_group, Pupil.enrollment_end, Pupil.sort_key, Pupil.id)
    )
    page_size = max(1, min(page_size, 200))
    if page is not None:
        page = max(1, min(page, max(1, -(-total // page_size))))
        statement = statement.limit(page_size).offset((page - 1) * page_size)
    rows = [
        Leaver(
            pupil_id,
            stamnummer,
            first,
            last,
            group,
            end,
            username or "",
            derive_status(has_account=username is not None, enrollment_end=end, today=today),
        )
        for pupil_id, stamnummer, first, last, group, end, username in session.execute(statement)
    ]
    return LeaversReport(per_group, rows, total, page or 1, page_size)


def issue_counts(issues: Sequence[DataIssue]) -> list[tuple[DataIssueKind, int]]:
    """Every kind with its number of findings, zero included, in report order."""
    return [(kind, sum(1 for i in issues if i.kind is kind)) for kind in DataIssueKind]
