"""The pupil list and detail: search, filters, sorting and paging, always within one school."""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlmodel import Session

from leerid_app import texts
from leerid_app.models import AccountType, LeerIDAccount, PasswordType, Pupil
from leerid_app.services.scope import pupil_in_school
from leerid_app.services.text import escape_like, fold, search_words

MAX_SEARCH_LENGTH = 100
MAX_PAGE_SIZE = 200


class AccountStatus(enum.StrEnum):
    """The status column of the list, in the manual's words."""

    ACTIEF = "Actief"
    INACTIEF = "Inactief"
    GEEN_ACCOUNT = "Geen account"


class Attention(enum.StrEnum):
    """What the list can narrow accounts down to, beyond status: the Overzicht's columns."""

    NOT_LOGGED_IN = "Nog niet aangemeld"
    MUST_CHOOSE = "Moet wachtwoord kiezen"
    DEADLINE_PASSED = "Termijn om wachtwoord te kiezen verstreken"
    EMAIL_LINKED = "E-mail gekoppeld"


def attention_condition(attention: Attention, today: date) -> ColumnElement[bool]:
    """SQL for one attention filter; the Overzicht counts with the very same conditions."""
    has_account = LeerIDAccount.pupil_id.is_not(None)
    if attention is Attention.NOT_LOGGED_IN:
        return and_(has_account, LeerIDAccount.last_login_at.is_(None))
    if attention is Attention.EMAIL_LINKED:
        return and_(has_account, LeerIDAccount.email.is_not(None), LeerIDAccount.email != "")
    must_choose = and_(
        has_account,
        LeerIDAccount.must_change_password.is_(True),
        LeerIDAccount.password_type == PasswordType.GEVORDERD,
    )
    if attention is Attention.MUST_CHOOSE:
        return must_choose
    # The deadline day itself still allows `Later wijzigen`; the day after it does not.
    return and_(must_choose, LeerIDAccount.password_change_deadline < today)


class SortField(enum.StrEnum):
    """Sortable columns of the list."""

    NAAM = "naam"
    VOORNAAM = "voornaam"
    STAMNUMMER = "stamnummer"
    GROEP = "groep"


def pupil_search_keys(stamnummer: str, first_name: str, last_name: str) -> tuple[str, str]:
    """The folded ``search_text`` and ``sort_key`` stored with every pupil."""
    search_text = fold(f"{stamnummer} {first_name} {last_name}")
    sort_key = fold(f"{last_name} {first_name}")
    return search_text, sort_key


# --- The status rule, in Python and in SQL (tests check both agree) ---------------------------


def enrollment_ended(enrollment_end: date, today: date) -> bool:
    """A pupil's enrollment has ended once its last day is past (Brussels days)."""
    return enrollment_end < today


def derive_status(*, has_account: bool, enrollment_end: date, today: date) -> AccountStatus:
    """Inactief once the enrollment has ended (with or without account); else Actief or
    Geen account. A pupil who left is never offered an account."""
    if enrollment_ended(enrollment_end, today):
        return AccountStatus.INACTIEF
    return AccountStatus.ACTIEF if has_account else AccountStatus.GEEN_ACCOUNT


def status_condition(status: AccountStatus, today: date) -> ColumnElement[bool]:
    """``derive_status(...) == status`` as an SQL condition on the pupil-account join."""
    # On pupil_id (the join column, uniquely indexed) PostgreSQL can answer from the index.
    if status is AccountStatus.INACTIEF:
        return Pupil.enrollment_end < today
    has_account = (
        LeerIDAccount.pupil_id.is_not(None)
        if status is AccountStatus.ACTIEF
        else LeerIDAccount.pupil_id.is_(None)
    )
    return and_(has_account, Pupil.enrollment_end >= today)


@dataclass(frozen=True)
class PupilFilter:
    """What the administrator typed and picked in the filter bar."""

    search: str = ""
    administrative_group: str = ""
    status: AccountStatus | None = None
    account_type: AccountType | None = None
    attention: Attention | None = None

    def conditions(self, school_id: int, today: date) -> list[ColumnElement[bool]]:
        """SQL conditions for this filter, the school scope first."""
        conditions: list[ColumnElement[bool]] = [Pupil.school_id == school_id]
        # Every word must occur in stamnummer, first or last name, ignoring case and accents.
        for word in search_words(self.search[:MAX_SEARCH_LENGTH]):
            conditions.append(Pupil.search_text.like(f"%{escape_like(word)}%", escape="\\"))
        if self.administrative_group:
            conditions.append(Pupil.administrative_group == self.administrative_group)
        if self.status is not None:
            conditions.append(status_condition(self.status, today))
        if self.account_type is not None:
            conditions.append(LeerIDAccount.account_type == self.account_type)
        if self.attention is not None:
            conditions.append(attention_condition(self.attention, today))
        return conditions


@dataclass(frozen=True)
class PupilRow:
    """One row of the list as the browser gets it: plain values only."""

    id: int
    stamnummer: str
    first_name: str
    last_name: str
    administrative_group: str
    status: str
    account_type: str


@dataclass(frozen=True)
class PupilPage:
    """A page of rows plus the total number of matching pupils."""

    rows: list[PupilRow]
    total: int
    page: int
    page_size: int

    @property
    def page_count(self) -> int:
        """At least one page, even when nothing matches."""
        return max(1, -(-self.total // self.page_size))


def _joined(statement: Select) -> Select:
    # Left join: pupils without an account are listed too (status Geen account).
    return statement.select_from(Pupil).outerjoin(LeerIDAccount, LeerIDAccount.pupil_id == Pupil.id)


def _order_by(sort: SortField, descending: bool) -> list:
    columns = {
        SortField.NAAM: [Pupil.sort_key],
        SortField.VOORNAAM: [func.lower(Pupil.first_name), Pupil.sort_key],
        SortField.STAMNUMMER: [Pupil.stamnummer],
        SortField.GROEP: [Pupil.administrative_group, Pupil.sort_key],
    }[sort]
    ordered = [column.desc() if descending else column.asc() for column in columns]
    return [*ordered, Pupil.id.desc() if descending else Pupil.id.asc()]


def count_pupils(session: Session, *, school_id: int, filters: PupilFilter, today: date) -> int:
    """How many pupils of the school match the filter."""
    statement = _joined(select(func.count(Pupil.id))).where(*filters.conditions(school_id, today))
    return session.execute(statement).scalar_one()


def count_matching_among(
    session: Session,
    *,
    school_id: int,
    filters: PupilFilter,
    today: date,
    pupil_ids: Collection[int],
) -> int:
    """How many of ``pupil_ids`` the filter shows (the rest of a selection is hidden by it)."""
    ids = sorted(pupil_ids)
    found = 0
    for start in range(0, len(ids), 900):  # under every database's parameter limit
        statement = _joined(select(func.count(Pupil.id))).where(
            *filters.conditions(school_id, today), Pupil.id.in_(ids[start : start + 900])
        )
        found += session.execute(statement).scalar_one()
    return found


def list_pupils(
    session: Session,
    *,
    school_id: int,
    filters: PupilFilter,
    today: date,
    sort: SortField = SortField.NAAM,
    descending: bool = False,
    page: int = 1,
    page_size: int = 50,
) -> PupilPage:
    """One page of the school's pupils matching the filter, with the total count."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    total = count_pupils(session, school_id=school_id, filters=filters, today=today)
    page = max(1, min(page, max(1, -(-total // page_size))))
    statement = (
        _joined(
            select(
                Pupil.id,
                Pupil.stamnummer,
                Pupil.first_name,
                Pupil.last_name,
                Pupil.administrative_group,
                Pupil.enrollment_end,
                LeerIDAccount.id,
                LeerIDAccount.account_type,
            )
        )
        .where(*filters.conditions(school_id, today))
        .order_by(*_order_by(sort, descending))
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    rows = [
        PupilRow(
            id=pupil_id,
            stamnummer=stamnummer,
            first_name=first_name,
            last_name=last_name,
            administrative_group=group,
            status=derive_status(
                has_account=account_id is not None, enrollment_end=end, today=today
            ).value,
            account_type=texts.ACCOUNT_TYPE_LABELS[account_type.value] if account_type else "",
        )
        for (
            pupil_id,
            stamnummer,
            first_name,
            last_name,
            group,
            end,
            account_id,
            account_type,
        ) in session.execute(statement)
    ]
    return PupilPage(rows=rows, total=total, page=page, page_size=page_size)


def matching_pupil_ids(
    session: Session, *, school_id: int, filters: PupilFilter, today: date
) -> list[int]:
    """The ids of every pupil matching the filter ("select all N")."""
    statement = _joined(select(Pupil.id)).where(*filters.conditions(school_id, today))
    return list(session.execute(statement).scalars())


def pupil_ids_in_school(session: Session, *, school_id: int, pupil_ids: Sequence[int]) -> set[int]:
    """Those of the given ids that belong to the school; the rest are someone else's."""
    if not pupil_ids:
        return set()
    found: set[int] = set()
    ids = list(pupil_ids)
    # Chunks stay under every database's bound-parameter limit.
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        statement = select(Pupil.id).where(Pupil.school_id == school_id, Pupil.id.in_(chunk))
        found.update(session.execute(statement).scalars())
    return found


def administrative_groups(session: Session, *, school_id: int) -> list[str]:
    """The school's administrative groups, for the filter drop-down."""
    statement = (
        select(Pupil.administrative_group)
        .where(Pupil.school_id == school_id)
        .distinct()
        .order_by(Pupil.administrative_group)
    )
    return list(session.execute(statement).scalars())


@dataclass(frozen=True)
class PupilDetail:
    """Everything the detail page shows about one pupil and their LeerID."""

    pupil: Pupil
    account: LeerIDAccount | None
    status: AccountStatus

    @property
    def has_official_data(self) -> bool:
        """Whether the national register supplied anything."""
        pupil = self.pupil
        return any(
            value is not None
            for value in (
                pupil.official_first_name,
                pupil.official_last_name,
                pupil.gender,
                pupil.birth_date,
            )
        )

    @property
    def must_choose_password(self) -> bool:
        """Advanced accounts with a generated password the pupil still has to replace."""
        account = self.account
        return bool(
            account
            and account.must_change_password
            and account.password_type is PasswordType.GEVORDERD
        )


def get_pupil_detail(
    session: Session, *, school_id: int, pupil_id: int, today: date
) -> PupilDetail:
    """The pupil with their account, refused when the pupil is not of this school."""
    pupil = pupil_in_school(session, school_id=school_id, pupil_id=pupil_id)
    account = session.execute(
        select(LeerIDAccount).where(LeerIDAccount.pupil_id == pupil_id)
    ).scalar_one_or_none()
    status = derive_status(
        has_account=account is not None, enrollment_end=pupil.enrollment_end, today=today
    )
    return PupilDetail(pupil=pupil, account=account, status=status)
