"""Preview and apply against the database (SQLite and PostgreSQL): the rules of the import."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func
from sqlmodel import Session, select

from leerid_app.models import AuditEvent, EducationLevel, LeerIDAccount, Pupil, School
from leerid_app.services.accounts import Actor
from leerid_app.services.audit import AuditAction
from leerid_app.services.errors import DomainError
from leerid_app.services.imports import Category, apply_import, build_plan, read_file
from leerid_app.services.imports.plan import MSG_OUTDATED
from tests.services.factories import add_account, add_pupil, add_school
from tests.services.import_files import HEADER, csv_bytes

TODAY = date(2026, 12, 3)
ACTOR = Actor(None, "test")
FULL = [*HEADER, "Geslacht", "Geboortedatum", "Onderwijsniveau"]


def _file(rows: list[list[str]], header: list[str] | None = None, today: date = TODAY):
    return read_file(csv_bytes(rows, header or HEADER), today=today)


def _confirm(session, school, imported, signature, *, today=TODAY, only_valid=False):
    return apply_import(
        session,
        school_id=school.id,
        import_file=imported,
        today=today,
        only_valid=only_valid,
        confirmed_signature=signature,
        actor=ACTOR,
    )


def _apply(session: Session, school: School, imported, *, today=TODAY, only_valid=False):
    """Preview, then confirm exactly that preview, and commit."""
    plan = build_plan(session, school_id=school.id, import_file=imported, today=today)
    result = _confirm(session, school, imported, plan.signature, today=today, only_valid=only_valid)
    session.commit()
    return plan, result


@pytest.fixture
def school(session: Session) -> School:
    """A school with three secondary pupils; Sara has a LeerID. A second school alongside."""
    brussel = add_school(session, "BRUSSEL-STAD - TEST School 2")
    sara = add_pupil(session, brussel, "1001", "Sara", "Claes")
    add_account(session, sara, "sara.claes", "hash-sara")
    add_pupil(session, brussel, "1002", "Noah", "Janssens")
    add_pupil(session, brussel, "1003", "Amina", "Benali")
    other = add_school(session, "GENT - TEST School 7")
    add_pupil(session, other, "1001", "Other", "Pupil")
    add_pupil(session, other, "9999", "Not", "Mentioned")
    session.commit()
    return brussel


def _pupils(session: Session, school: School) -> dict[str, Pupil]:
    session.expire_all()
    rows = session.exec(select(Pupil).where(Pupil.school_id == school.id)).all()
    return {pupil.stamnummer: pupil for pupil in rows}


SAME = [
    ["1001", "Sara", "Claes", "2e lj 2e gr Wetenschappen ASO"],
    ["1002", "Noah", "Janssens", "2e lj 2e gr Wetenschappen ASO"],
    ["1003", "Amina", "Benali", "2e lj 2e gr Wetenschappen ASO"],
]


def test_preview_sorts_every_row_and_changes_nothing(session: Session, school: School) -> None:
    imported = _file(
        [
            ["1001", "Sara", "Claes-Peeters", "2e lj 2e gr Wetenschappen ASO"],
            ["1002", "Noah", "Janssens", "2e lj 2e gr Wetenschappen ASO"],
            ["2001", "Lina", "Vermeulen", "1e lj 1e gr A-stroom"],
            ["", "Zonder", "Stamnummer", "x"],
        ]
    )
    before = {s: (p.last_name, p.enrollment_end) for s, p in _pupils(session, school).items()}
    plan = build_plan(session, school_id=school.id, import_file=imported, today=TODAY)
    assert plan.counts == {"new": 1, "changed": 1, "ending": 1, "unchanged": 1, "refused": 1}
    (changed,) = plan.items[Category.CHANGED]
    assert changed.details == ("Naam: Claes → Claes-Peeters",)
    (ending,) = plan.items[Category.ENDING]
    assert ending.stamnummer == "1003"
    (new,) = plan.items[Category.NEW]
    assert new.details == ("secundair, Geen account",)  # the level of the group's pupils
    session.rollback()
    after = {s: (p.last_name, p.enrollment_end) for s, p in _pupils(session, school).items()}
    assert after == before


def test_apply_new_changed_ended_keeps_accounts_and_usernames(
    session: Session, school: School
) -> None:
    imported = _file(
        [
            ["1001", "Sarah", "Claes", "2e lj 3e gr Elektromechanica TSO", "V", "14/02/2008", ""],
            ["1002", "Noah", "Janssens", "2e lj 2e gr Wetenschappen ASO", "", "", ""],
            ["2001", "Lina", "Vermeulen", "6de leerjaar", "V", "14/03/2015", "Basis"],
        ],
        FULL,
    )
    _plan, result = _apply(session, school, imported)
    assert (result.new, result.changed, result.ended, result.unchanged) == (1, 1, 1, 1)
    pupils = _pupils(session, school)
    sara = pupils["1001"]
    assert (sara.first_name, sara.administrative_group, sara.gender) == (
        "Sarah",
        "2e lj 3e gr Elektromechanica TSO",
        "V",
    )
    assert "sarah" in sara.search_text
    account = session.exec(select(LeerIDAccount).where(LeerIDAccount.pupil_id == sara.id)).one()
    assert account.username == "sara.claes"  # a new first name never renames the LeerID
    lina = pupils["2001"]
    assert lina.education_level is EducationLevel.BASIS
    assert lina.enrollment_end == date(2027, 8, 31)
    assert (lina.official_first_name, lina.birth_date) == ("Lina", date(2015, 3, 14))
    assert (
        session.exec(select(LeerIDAccount).where(LeerIDAccount.pupil_id == lina.id)).first() is None
    )
    assert pupils["1003"].enrollment_end == TODAY - timedelta(days=1)  # Inactief from today
    # The other school's pupils, even with the same stamnummer, are untouched.
    others = session.exec(select(Pupil).where(Pupil.school_id != school.id)).all()
    assert {(p.stamnummer, p.first_name, p.enrollment_end) for p in others} == {
        ("1001", "Other", date(2027, 8, 31)),
        ("9999", "Not", date(2027, 8, 31)),
    }


def test_the_audit_event_holds_counts_only(session: Session, school: School) -> None:
    _apply(session, school, _file([*SAME, ["2001", "Lina", "Vermeulen", "6de leerjaar"]]))
    (audit_event,) = session.exec(
        select(AuditEvent).where(AuditEvent.action == AuditAction.PUPILS_IMPORTED.value)
    ).all()
    assert audit_event.school_id == school.id
    assert json.loads(audit_event.details) == {
        "new": 1,
        "changed": 0,
        "ended": 0,
        "unchanged": 3,
        "refused": 0,
        "file": "CSV",
    }


@pytest.mark.parametrize(
    ("today", "ended"),
    [
        (date(2026, 6, 30), 1),
        (date(2026, 7, 1), 0),
        (date(2026, 8, 31), 0),
        (date(2026, 9, 1), 1),
    ],
)
def test_july_and_august_end_nobody(
    session: Session, school: School, today: date, ended: int
) -> None:
    imported = _file(SAME[:2], today=today)
    plan = build_plan(session, school_id=school.id, import_file=imported, today=today)
    assert plan.summer_rule is (ended == 0)
    assert plan.count(Category.ENDING) == ended


def test_a_returning_pupil_gets_the_same_account_back(session: Session, school: School) -> None:
    sara = _pupils(session, school)["1001"]
    account_before = session.exec(
        select(LeerIDAccount).where(LeerIDAccount.pupil_id == sara.id)
    ).one()
    _apply(session, school, _file(SAME[1:]))  # Sara leaves
    assert _pupils(session, school)["1001"].enrollment_end < TODAY
    later = TODAY + timedelta(days=30)
    plan, result = _apply(session, school, _file(SAME, today=later), today=later)
    (back,) = plan.items[Category.CHANGED]
    assert back.details[0] == "Terug ingeschreven: krijgt opnieuw het LeerID sara.claes"
    assert result.changed == 1
    assert _pupils(session, school)["1001"].enrollment_end == date(2027, 8, 31)
    account_after = session.exec(
        select(LeerIDAccount).where(LeerIDAccount.pupil_id == sara.id)
    ).one()
    assert (account_after.id, account_after.username, account_after.password_hash) == (
        account_before.id,
        account_before.username,
        account_before.password_hash,
    )


def test_refused_rows_block_unless_only_valid(session: Session, school: School) -> None:
    imported = _file([*SAME, ["2001", "Li\x07na", "Vermeulen", "6de leerjaar"]])
    plan = build_plan(session, school_id=school.id, import_file=imported, today=TODAY)
    with pytest.raises(DomainError) as error:
        _confirm(session, school, imported, plan.signature)
    assert "1 rij(en) werden geweigerd" in error.value.message
    session.rollback()
    assert "2001" not in _pupils(session, school)
    _plan, result = _apply(session, school, imported, only_valid=True)
    assert (result.new, result.refused) == (0, 1)


def test_a_refused_row_never_ends_its_pupil(session: Session, school: School) -> None:
    imported = _file([*SAME[:2], ["1003", "Amina", "Benali", "x" * 121]])
    plan = build_plan(session, school_id=school.id, import_file=imported, today=TODAY)
    assert plan.count(Category.ENDING) == 0


def test_a_file_of_only_refused_rows_ends_nobody(session: Session, school: School) -> None:
    imported = _file([["", "Amina", "Benali", "2e lj"]])
    plan = build_plan(session, school_id=school.id, import_file=imported, today=TODAY)
    assert plan.count(Category.ENDING) == 0


def test_a_changed_database_since_the_preview_is_not_applied_unseen(
    session: Session, school: School
) -> None:
    imported = _file(SAME[:2])
    plan = build_plan(session, school_id=school.id, import_file=imported, today=TODAY)
    add_pupil(session, school, "1004", "Late", "Comer")  # someone else, in between
    session.commit()
    with pytest.raises(DomainError) as error:
        _confirm(session, school, imported, plan.signature)
    assert error.value.message == MSG_OUTDATED


def test_a_new_pupil_without_level_takes_it_from_the_group_or_is_refused(
    session: Session, school: School
) -> None:
    add_pupil(session, school, "1005", "Jan", "Peeters", "6de leerjaar", EducationLevel.BASIS)
    session.commit()
    imported = _file(
        [
            *SAME,
            ["1005", "Jan", "Peeters", "6de leerjaar"],
            ["2001", "Lina", "Vermeulen", "6de leerjaar"],
            ["2002", "Tom", "Maes", "Onbekende klas"],
        ]
    )
    plan = build_plan(session, school_id=school.id, import_file=imported, today=TODAY)
    (new,) = plan.items[Category.NEW]
    assert new.details == ("basis, Geen account",)
    (refused,) = plan.items[Category.REFUSED]
    assert refused.row_number == 7 and "Onderwijsniveau ontbreekt" in refused.details[0]


def test_an_empty_cell_erases_nothing(session: Session, school: School) -> None:
    _apply(
        session,
        school,
        _file(
            [
                ["1001", "Sara", "Claes", "2e lj 2e gr Wetenschappen ASO", "V", "14/02/2008", ""],
                *SAME[1:],
            ],
            FULL,
        ),
    )
    plan, _ = _apply(session, school, _file(SAME, FULL))
    assert plan.count(Category.UNCHANGED) == 3
    sara = _pupils(session, school)["1001"]
    assert (sara.gender, sara.birth_date) == ("V", date(2008, 2, 14))


def test_a_failure_in_the_middle_leaves_the_database_unchanged(
    session: Session, school: School, engine
) -> None:
    """The updates ran, then inserting the new pupils fails: the rollback undoes all of it."""
    imported = _file(
        [
            ["1001", "Sarah", "Claes", "2e lj 2e gr Wetenschappen ASO"],
            SAME[1],
            ["2001", "Lina", "Vermeulen", "6de leerjaar"],
        ]
    )
    before = {s: (p.first_name, p.enrollment_end) for s, p in _pupils(session, school).items()}
    statements: list[str] = []

    def fail_on_insert(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)
        if statement.lstrip().upper().startswith("INSERT INTO PUPIL"):
            raise RuntimeError("disk full")

    event.listen(engine, "before_cursor_execute", fail_on_insert)
    try:
        with pytest.raises(RuntimeError):
            _apply(session, school, imported)
    finally:
        event.remove(engine, "before_cursor_execute", fail_on_insert)
    session.rollback()
    assert any(s.lstrip().upper().startswith("UPDATE PUPIL") for s in statements)
    after = {s: (p.first_name, p.enrollment_end) for s, p in _pupils(session, school).items()}
    assert after == before
    assert session.exec(select(func.count(AuditEvent.id))).one() == 0
