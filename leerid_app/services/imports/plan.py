"""Comparing a checked export with the school's pupils (the preview) and applying it at once."""

from __future__ import annotations

import enum
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import insert, select, update
from sqlmodel import Session

from leerid_app.models import EducationLevel, LeerIDAccount, Pupil, School
from leerid_app.services import audit
from leerid_app.services.accounts import Actor
from leerid_app.services.audit import AuditAction
from leerid_app.services.dates import dutch_date, school_year_end
from leerid_app.services.errors import DomainError
from leerid_app.services.imports.rows import (
    COLUMN_LABELS,
    Column,
    ImportFile,
    ImportRow,
    RefusedRow,
    format_insz,
)
from leerid_app.services.pupils import pupil_search_keys

MSG_LEVEL_UNKNOWN = (
    "Onderwijsniveau ontbreekt en volgt niet uit de administratieve groep: vul de kolom "
    "Onderwijsniveau in."
)
MSG_REFUSED_BLOCK = (
    "{count} rij(en) werden geweigerd. Verbeter het bestand, of kies om enkel de geldige rijen "
    "te importeren."
)
MSG_OUTDATED = (
    "De leerlingen van de instelling zijn gewijzigd sinds het voorbeeld. Bekijk het nieuwe "
    "voorbeeld en bevestig opnieuw."
)
MSG_ENDING = "Einde inschrijving {date}: wordt Inactief"
MSG_ENDING_KEEPS_ACCOUNT = (
    "Einde inschrijving {date}: wordt Inactief, het LeerID {username} blijft bewaard"
)
MSG_RETURNING = "Terug ingeschreven: krijgt opnieuw het LeerID {username}"
MSG_NEW_DETAILS = "{level}, Geen account"
LEVEL_LABELS = {
    EducationLevel.BASIS: "basis",
    EducationLevel.BUITENGEWOON: "buitengewoon",
    EducationLevel.SECUNDAIR: "secundair",
}


def summer_rule_applies(today: date) -> bool:
    """In July and August packages move pupils to the next school year day by day.

    An export then misses pupils who are still enrolled, so nobody is ended for being absent.
    """
    return today.month in (7, 8)


class Category(enum.StrEnum):
    """The tables of the preview."""

    NEW = "new"
    CHANGED = "changed"
    ENDING = "ending"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


CATEGORY_LABELS = {
    Category.NEW: "Nieuw",
    Category.CHANGED: "Gewijzigd",
    Category.ENDING: "Einde inschrijving",
    Category.UNCHANGED: "Ongewijzigd",
    Category.REFUSED: "Geweigerd",
}
MSG_SUMMER_RULE = (
    "In juli en augustus zetten de leerlingadministratiepakketten de leerlingen dag na dag over "
    "naar het nieuwe schooljaar. Leerlingen die niet in het bestand staan, blijven daarom "
    "ingeschreven."
)


@dataclass(frozen=True)
class PreviewItem:
    """One line of a preview table, as plain text."""

    row_number: int | None
    stamnummer: str
    name: str
    administrative_group: str
    details: tuple[str, ...] = ()


@dataclass
class ImportPlan:
    """What applying the export would do; ``signature`` pins it for the confirmation."""

    items: dict[Category, list[PreviewItem]]
    summer_rule: bool
    ignored_columns: list[str]
    file_kind: str
    inserts: list[dict] = field(default_factory=list, repr=False)
    updates: list[dict] = field(default_factory=list, repr=False)

    def count(self, category: Category) -> int:
        """How many lines one table holds."""
        return len(self.items[category])

    @property
    def counts(self) -> dict[str, int]:
        """Every table's count, by category value."""
        return {category.value: self.count(category) for category in Category}

    @property
    def signature(self) -> str:
        """A digest of every write the plan would make, to see that nothing moved since."""
        digest = hashlib.sha256()
        for values in sorted(map(repr, self.updates)) + sorted(map(repr, self.inserts)):
            digest.update(values.encode())
        digest.update(repr(self.counts).encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class _Current:
    pupil_id: int
    stamnummer: str
    first_name: str
    last_name: str
    group: str
    level: EducationLevel
    end: date
    start: date | None
    gender: str | None
    birth_date: date | None
    insz: str | None
    username: str | None


def _current_pupils(session: Session, school_id: int) -> dict[str, _Current]:
    statement = (
        select(
            Pupil.id,
            Pupil.stamnummer,
            Pupil.first_name,
            Pupil.last_name,
            Pupil.administrative_group,
            Pupil.education_level,
            Pupil.enrollment_end,
            Pupil.enrollment_start,
            Pupil.gender,
            Pupil.birth_date,
            Pupil.insz,
            LeerIDAccount.username,
        )
        .outerjoin(LeerIDAccount, LeerIDAccount.pupil_id == Pupil.id)
        .where(Pupil.school_id == school_id)
    )
    return {row[1]: _Current(*row) for row in session.execute(statement)}


def _shown(column: Column, value: object) -> str:
    if value is None or value == "":
        return "(leeg)"
    if isinstance(value, date):
        return dutch_date(value)
    if isinstance(value, EducationLevel):
        return LEVEL_LABELS[value]
    if column is Column.INSZ and isinstance(value, str):
        # The register number is personal data: the preview shows only the birth-date part.
        return format_insz(value)[:9] + "•••.••"
    return str(value)


def _group_levels(current: dict[str, _Current], rows: list[ImportRow]) -> dict[str, EducationLevel]:
    """The level most pupils of each administrative group have, from the file and the school."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for pupil in current.values():
        votes[pupil.group][pupil.level] += 1
    for row in rows:
        if row.education_level is not None:
            votes[row.administrative_group][row.education_level] += 1
    return {group: counter.most_common(1)[0][0] for group, counter in votes.items()}


@dataclass
class _Diff:
    """The changed attributes of one pupil and their old → new lines."""

    changes: dict[str, object] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)

    def compare(self, column: Column, attribute: str, old: object, new: object) -> None:
        """Record a change unless the file has no value (None) or the same one."""
        if new is None or new == old:
            return
        self.changes[attribute] = new
        self.details.append(
            f"{COLUMN_LABELS[column]}: {_shown(column, old)} → {_shown(column, new)}"
        )


def build_plan(
    session: Session, *, school_id: int, import_file: ImportFile, today: date
) -> ImportPlan:
    """The preview: new, changed, ending, unchanged and refused, and the writes behind them.

    An empty optional cell never erases what the school has; a missing Einddatum keeps the
    current one, or for a returning (ended) pupil opens the current school year again.
    """
    current = _current_pupils(session, school_id)
    items: dict[Category, list[PreviewItem]] = {category: [] for category in Category}
    refused: list[RefusedRow] = list(import_file.refused)
    group_levels = _group_levels(current, import_file.rows)
    school_levels = {pupil.level for pupil in current.values()}
    default_end = school_year_end(today)
    inserts: list[dict] = []
    updates: list[dict] = []

    for row in import_file.rows:
        existing = current.get(row.stamnummer)
        if existing is None:
            level = row.education_level or group_levels.get(row.administrative_group)
            if level is None and len(school_levels) == 1:
                level = next(iter(school_levels))
            if level is None:
                refused.append(
                    RefusedRow(
                        row.row_number,
                        row.stamnummer,
                        f"{row.first_name} {row.last_name}",
                        (MSG_LEVEL_UNKNOWN,),
                    )
                )
                continue
            search_text, sort_key = pupil_search_keys(row.stamnummer, row.first_name, row.last_name)
            official = row.gender is not None or row.birth_date is not None
            inserts.append(
                {
                    "school_id": school_id,
                    "stamnummer": row.stamnummer,
                    "first_name": row.first_name,
                    "last_name": row.last_name,
                    "administrative_group": row.administrative_group,
                    "education_level": level,
                    "enrollment_start": row.enrollment_start,
                    "enrollment_end": row.enrollment_end or default_end,
                    "official_first_name": row.first_name if official else None,
                    "official_last_name": row.last_name if official else None,
                    "gender": row.gender,
                    "birth_date": row.birth_date,
                    "insz": row.insz,
                    "search_text": search_text,
                    "sort_key": sort_key,
                }
            )
            items[Category.NEW].append(
                PreviewItem(
                    row.row_number,
                    row.stamnummer,
                    f"{row.first_name} {row.last_name}",
                    row.administrative_group,
                    (MSG_NEW_DETAILS.format(level=LEVEL_LABELS[level]),),
                )
            )
            continue

        diff = _Diff()
        compare = diff.compare
        compare(Column.FIRST_NAME, "first_name", existing.first_name, row.first_name)
        compare(Column.LAST_NAME, "last_name", existing.last_name, row.last_name)
        compare(Column.GROUP, "administrative_group", existing.group, row.administrative_group)
        compare(Column.LEVEL, "education_level", existing.level, row.education_level)
        compare(Column.GENDER, "gender", existing.gender, row.gender)
        compare(Column.BIRTH_DATE, "birth_date", existing.birth_date, row.birth_date)
        compare(Column.INSZ, "insz", existing.insz, row.insz)
        compare(Column.START, "enrollment_start", existing.start, row.enrollment_start)
        returning = existing.end < today and (row.enrollment_end or default_end) >= today
        end = row.enrollment_end or (default_end if existing.end < today else None)
        compare(Column.END, "enrollment_end", existing.end, end)
        changes, details = diff.changes, diff.details
        if returning and existing.username:
            details.insert(0, MSG_RETURNING.format(username=existing.username))
        name = f"{row.first_name} {row.last_name}"
        if not changes:
            items[Category.UNCHANGED].append(
                PreviewItem(row.row_number, row.stamnummer, name, row.administrative_group)
            )
            continue
        if "first_name" in changes or "last_name" in changes:
            # Search keys follow the name; the username never does (the manual's rule).
            changes["search_text"], changes["sort_key"] = pupil_search_keys(
                row.stamnummer, row.first_name, row.last_name
            )
        updates.append({"id": existing.pupil_id, **changes})
        items[Category.CHANGED].append(
            PreviewItem(
                row.row_number, row.stamnummer, name, row.administrative_group, tuple(details)
            )
        )

    summer = summer_rule_applies(today)
    # A file without one valid row is no complete export, even with only valid rows imported.
    if not summer and import_file.rows:
        named = import_file.stamnummers
        last_day = today - timedelta(days=1)
        for pupil in sorted(current.values(), key=lambda p: (p.last_name, p.first_name)):
            if pupil.end < today or pupil.stamnummer in named:
                continue
            updates.append({"id": pupil.pupil_id, "enrollment_end": last_day})
            detail = (
                MSG_ENDING_KEEPS_ACCOUNT.format(date=dutch_date(last_day), username=pupil.username)
                if pupil.username
                else MSG_ENDING.format(date=dutch_date(last_day))
            )
            items[Category.ENDING].append(
                PreviewItem(
                    None,
                    pupil.stamnummer,
                    f"{pupil.first_name} {pupil.last_name}",
                    pupil.group,
                    (detail,),
                )
            )

    refused.sort(key=lambda row: row.row_number)
    items[Category.REFUSED] = [
        PreviewItem(row.row_number, row.stamnummer, row.name, "", row.reasons) for row in refused
    ]
    return ImportPlan(
        items=items,
        summer_rule=summer,
        ignored_columns=list(import_file.ignored_columns),
        file_kind=import_file.file_kind,
        inserts=inserts,
        updates=updates,
    )


@dataclass(frozen=True)
class ImportResult:
    """What an applied import changed."""

    new: int
    changed: int
    ended: int
    unchanged: int
    refused: int


def apply_import(
    session: Session,
    *,
    school_id: int,
    import_file: ImportFile,
    today: date,
    only_valid: bool,
    confirmed_signature: str | None,
    actor: Actor,
) -> ImportResult:
    """Apply the export in the caller's transaction, exactly as the confirmed preview showed.

    The plan is built again inside the transaction and must match the confirmed one, so a
    change by someone else in between is never applied unseen. Nothing is flushed before every
    check passed; the caller's commit makes it all visible at once, a failure none of it.

    Raises:
        DomainError: Refused rows without ``only_valid``, or a plan that changed since.
    """
    plan = build_plan(session, school_id=school_id, import_file=import_file, today=today)
    if confirmed_signature is not None and plan.signature != confirmed_signature:
        raise DomainError(MSG_OUTDATED)
    refused = plan.count(Category.REFUSED)
    if refused and not only_valid:
        raise DomainError(MSG_REFUSED_BLOCK.format(count=refused))
    if plan.updates:
        session.execute(update(Pupil), plan.updates)
    if plan.inserts:
        session.execute(insert(Pupil), plan.inserts)
    result = ImportResult(
        new=plan.count(Category.NEW),
        changed=plan.count(Category.CHANGED),
        ended=plan.count(Category.ENDING),
        unchanged=plan.count(Category.UNCHANGED),
        refused=refused,
    )
    # Counts only: the file's content (names, register numbers) never enters the log.
    audit.record_event(
        session,
        action=AuditAction.PUPILS_IMPORTED,
        actor_administrator_id=actor.administrator_id,
        actor_username=actor.username,
        school_id=school_id,
        details={
            "new": result.new,
            "changed": result.changed,
            "ended": result.ended,
            "unchanged": result.unchanged,
            "refused": result.refused,
            "file": plan.file_kind,
        },
    )
    session.flush()
    return result


MSG_UNKNOWN_SCHOOL = "Er is geen instelling met instellingsnummer {number}."


def find_school(session: Session, instellingsnummer: str) -> School:
    """The school with this institution number.

    Raises:
        DomainError: No such school.
    """
    number = instellingsnummer.strip()
    school = session.execute(
        select(School).where(School.instellingsnummer == number)
    ).scalar_one_or_none()
    if school is None:
        raise DomainError(MSG_UNKNOWN_SCHOOL.format(number=number[:20]))
    return school


def school_number(session: Session, school_id: int) -> str | None:
    """The instellingsnummer of a school, to show beside its name."""
    school = session.get(School, school_id)
    return school.instellingsnummer if school else None
