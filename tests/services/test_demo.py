"""The demo data: the manual's school and pupils, every status and type, idempotent, stable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, func, select

from leerid_app.db import make_engine
from leerid_app.models import (
    AccountType,
    Administrator,
    AdministratorSchool,
    AuditEvent,
    EducationLevel,
    LeerIDAccount,
    PasswordType,
    Pupil,
    School,
)
from leerid_app.services import admins, auth
from leerid_app.services.accounts import account_type_for, add_months, mask_email
from leerid_app.services.audit import PUPIL_ACTOR, AuditAction
from leerid_app.services.demo import (
    DEMO_ADMIN_PASSWORD,
    DEMO_SCHOOL,
    SECOND_SCHOOL,
    school_year_end,
    school_year_start,
    seed_demo,
)
from leerid_app.services.pupils import AccountStatus, PupilFilter, count_pupils
from leerid_app.services.readiness import LoginSource, logins_per_day
from leerid_app.services.reports import DataIssueKind, data_check, insz_birth_date

TODAY = date(2026, 11, 29)
PROJECT_ROOT = Path(__file__).resolve().parents[2]


# --- A database per backend for this module ------------------------------------------------


def _postgres_database(cluster_url: str) -> tuple[str, Callable[[], None]]:
    """A new, empty database in the test cluster, apart from the one the engine fixture resets."""
    name = f"demo_{uuid.uuid4().hex[:12]}"
    admin = create_engine(cluster_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(cluster_url).set(database=name).render_as_string(hide_password=False), drop


def _fresh_engine(kind: str, request: pytest.FixtureRequest, folder: Path) -> Iterator[Engine]:
    drop = None
    if kind == "sqlite":
        url = f"sqlite:///{folder / f'demo-{uuid.uuid4().hex[:8]}.db'}"
    else:
        cluster = request.getfixturevalue("pg_cluster")
        url, drop = _postgres_database(cluster.url)
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        if drop is not None:
            drop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo_engine(request, tmp_path_factory) -> Iterator[Engine]:
    """One database per backend, seeded once for the whole module (seeding hashes ~250)."""
    folder = tmp_path_factory.mktemp("demo")
    for engine in _fresh_engine(request.param, request, folder):
        with Session(engine) as session:
            assert seed_demo(session, today=TODAY) is True
            session.commit()
        yield engine


@pytest.fixture
def db(demo_engine) -> Iterator[Session]:
    with Session(demo_engine, expire_on_commit=False) as session:
        yield session
        session.rollback()


def as_utc(moment: datetime) -> datetime:
    """SQLite gives naive UTC datetimes back, PostgreSQL aware ones."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def school_id(session: Session, name: str) -> int:
    return session.exec(select(School.id).where(School.name == name)).one()


def pupil_by_stamnummer(session: Session, stamnummer: str) -> tuple[Pupil, LeerIDAccount | None]:
    demo = school_id(session, DEMO_SCHOOL)
    pupil = session.exec(
        select(Pupil).where(Pupil.school_id == demo, Pupil.stamnummer == stamnummer)
    ).one()
    account = session.exec(select(LeerIDAccount).where(LeerIDAccount.pupil_id == pupil.id)).first()
    return pupil, account


def snapshot(session: Session) -> list[tuple]:
    """Everything about the demo that must not depend on chance or on the database."""
    rows = session.exec(
        select(School.name, Pupil, LeerIDAccount)
        .join(Pupil, Pupil.school_id == School.id)
        .outerjoin(LeerIDAccount, LeerIDAccount.pupil_id == Pupil.id)
    ).all()
    result = []
    for school_name, pupil, account in rows:
        result.append(
            (
                school_name,
                pupil.stamnummer,
                pupil.first_name,
                pupil.last_name,
                pupil.administrative_group,
                pupil.education_level.value,
                pupil.enrollment_end.isoformat(),
                pupil.gender,
                pupil.birth_date.isoformat() if pupil.birth_date else None,
                account.username if account else None,
                account.email if account else None,
                account.password_type.value if account else None,
                account.must_change_password if account else None,
            )
        )
    return sorted(result)


# --- The schools, the administrators ----------------------------------------------------------


def test_two_schools_and_the_demo_school_has_200_pupils(db) -> None:
    names = sorted(db.exec(select(School.name)).all())
    assert names == sorted([DEMO_SCHOOL, SECOND_SCHOOL])
    assert DEMO_SCHOOL == "BRUSSEL-STAD - TEST School 2"
    demo = school_id(db, DEMO_SCHOOL)
    second = school_id(db, SECOND_SCHOOL)
    assert db.exec(select(func.count(Pupil.id)).where(Pupil.school_id == demo)).one() == 200
    assert db.exec(select(func.count(Pupil.id)).where(Pupil.school_id == second)).one() > 0


@pytest.mark.parametrize(
    ("username", "schools"),
    [
        ("beheerder", {DEMO_SCHOOL, SECOND_SCHOOL}),
        ("beheerder.b", {SECOND_SCHOOL}),
    ],
)
def test_demo_administrators_log_in_and_see_their_schools(db, username, schools) -> None:
    result = auth.authenticate(db, username, DEMO_ADMIN_PASSWORD)

    assert result.ok, result.error
    assert DEMO_ADMIN_PASSWORD == "LeerID-demo-2023"
    summary = next(a for a in admins.list_administrators(db) if a.username == username)
    assert set(summary.schools) == schools
    token = auth.start_session(db, result.subject_id)
    context = auth.resolve_session(db, token)
    assert {choice.name for choice in context.schools} == schools


@pytest.mark.parametrize("username", ["beheerder", "beheerder.b", "niemand"])
def test_demo_administrators_need_the_right_password(db, username) -> None:
    result = auth.authenticate(db, username, "LeerID-demo-2024")
    assert not result.ok


def test_demo_administrators_passwords_are_hashed(db) -> None:
    for administrator in db.exec(select(Administrator)).all():
        assert administrator.password_hash.startswith("$argon2id$")
        assert DEMO_ADMIN_PASSWORD not in administrator.password_hash


# --- The manual's pupils ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stamnummer", "first", "last", "group", "username", "account_type"),
    [
        ("60351", "Abdulghani", "Bogdan", "6de leerjaar", "abdulghani.bogdan", AccountType.BASIS),
        ("32890", "Ardalan", "Bhatti", "2e lj 3e gr Elektromechanica TSO", "ardalan.bhatti",
         AccountType.GEVORDERD),
        ("80240", "Amani", "Bockstal", "1e lj 3e gr Sociale en techn. wet. TSO",
         "amani.bockstal", AccountType.GEVORDERD),
        ("47727", "Butrint", "Boeren", "2e lj 2e gr Wetenschappen ASO", "butrint.boeren1",
         AccountType.GEVORDERD),
        ("70246", "Sezen", "Beuken", "1e lj 3e gr Kantoor BSO", "sezen.beuken",
         AccountType.GEVORDERD),
        ("93504", "Pieter-Alexander", "Bogaert", "2e lj 1e gr Mechanica-elektriciteit", None,
         None),
    ],
)  # fmt: skip
def test_the_manuals_pupils(db, stamnummer, first, last, group, username, account_type) -> None:
    pupil, account = pupil_by_stamnummer(db, stamnummer)

    assert (pupil.first_name, pupil.last_name, pupil.administrative_group) == (first, last, group)
    assert pupil.enrollment_end == date(2027, 8, 31)
    if username is None:
        assert account is None
    else:
        assert account.username == username
        assert account.account_type is account_type
        assert account.account_type is account_type_for(pupil.education_level)


def test_abdulghani_bogdan_as_in_the_manual(db) -> None:
    pupil, account = pupil_by_stamnummer(db, "60351")
    assert pupil.education_level is EducationLevel.BASIS
    assert (pupil.official_first_name, pupil.official_last_name) == ("Abdulghani", "Bogdan")
    assert (pupil.gender, pupil.birth_date) == ("M", date(2010, 11, 7))
    assert account.password_type is PasswordType.BASIS
    assert account.must_change_password is False
    assert account.email is None


def test_butrint_boeren_has_a_linked_email(db) -> None:
    _pupil, account = pupil_by_stamnummer(db, "47727")
    assert mask_email(account.email) == "t*****s@ond.vlaanderen.be"
    # He linked it himself in the Leerlingloket, so he has logged in and chose a password.
    assert account.last_login_at is not None
    assert account.must_change_password is False
    # His namesake in the second school owns the plain `butrint.boeren`.
    namesake = db.exec(
        select(LeerIDAccount).where(LeerIDAccount.username == "butrint.boeren")
    ).one()
    assert db.get(Pupil, namesake.pupil_id).school_id == school_id(db, SECOND_SCHOOL)


def test_two_namesakes_without_account_for_the_activation_demo(db) -> None:
    demo = school_id(db, DEMO_SCHOOL)
    lucas = db.exec(
        select(Pupil).where(
            Pupil.school_id == demo, Pupil.first_name == "Lucas", Pupil.last_name == "Peeters"
        )
    ).all()
    assert sorted(p.stamnummer for p in lucas) == ["11223", "11224"]
    for pupil in lucas:
        assert pupil_by_stamnummer(db, pupil.stamnummer)[1] is None


# --- A realistic school -----------------------------------------------------------------------


@pytest.mark.parametrize("status", list(AccountStatus))
def test_every_status_is_present(db, status) -> None:
    demo = school_id(db, DEMO_SCHOOL)
    count = count_pupils(db, school_id=demo, filters=PupilFilter(status=status), today=TODAY)
    assert count >= 2


@pytest.mark.parametrize("account_type", list(AccountType))
def test_both_types_are_present(db, account_type) -> None:
    demo = school_id(db, DEMO_SCHOOL)
    filters = PupilFilter(account_type=account_type)
    assert count_pupils(db, school_id=demo, filters=filters, today=TODAY) >= 10


@pytest.mark.parametrize("level", list(EducationLevel))
def test_every_education_level_is_present(db, level) -> None:
    demo = school_id(db, DEMO_SCHOOL)
    count = db.exec(
        select(func.count(Pupil.id)).where(Pupil.school_id == demo, Pupil.education_level == level)
    ).one()
    assert count >= 2


def test_some_pupils_lack_official_data_and_some_accounts_have_email(db) -> None:
    demo = school_id(db, DEMO_SCHOOL)
    pupils = db.exec(select(Pupil).where(Pupil.school_id == demo)).all()
    without_official = [
        p for p in pupils if p.gender is None and p.birth_date is None and not p.official_last_name
    ]
    assert 2 <= len(without_official) < 100
    with_email = db.exec(
        select(LeerIDAccount)
        .join(Pupil, Pupil.id == LeerIDAccount.pupil_id)
        .where(Pupil.school_id == demo, LeerIDAccount.email.is_not(None))
    ).all()
    assert len(with_email) >= 3
    groups = {p.administrative_group for p in pupils}
    assert "6de leerjaar" in groups
    assert "2e lj 3e gr Elektromechanica TSO" in groups
    assert len({(p.first_name, p.last_name) for p in pupils}) > 150


def test_accounts_are_consistent_with_the_calendar_and_the_rules(db) -> None:
    start = datetime.combine(school_year_start(TODAY), time.min, tzinfo=UTC)
    now = datetime.combine(TODAY, time.max, tzinfo=UTC)
    rows = db.exec(select(Pupil, LeerIDAccount).join(LeerIDAccount)).all()
    assert len(rows) > 150
    logged_in = 0
    for pupil, account in rows:
        created = as_utc(account.created_at)
        assert start <= created <= now, account.username
        assert account.account_type is account_type_for(pupil.education_level)
        assert account.username == account.username.lower()
        assert "@" not in account.username and len(account.username) <= 50
        assert account.password_hash.startswith("$argon2id$")
        if account.last_login_at is not None:
            logged_in += 1
            assert created <= as_utc(account.last_login_at) <= now
        if account.account_type is AccountType.BASIS:
            assert account.password_type is PasswordType.BASIS
            assert account.must_change_password is False
            assert account.email is None
        if account.must_change_password:
            assert account.password_type is PasswordType.GEVORDERD
            assert account.password_change_deadline == add_months(created.date(), 1)
        if account.email:
            # Only a pupil who logged in and chose a password can link an e-mail address.
            assert account.account_type is AccountType.GEVORDERD
            assert account.last_login_at is not None
            assert account.must_change_password is False
    assert 0 < logged_in < len(rows), "some pupils logged in recently, others never"


def test_enrollment_ends_on_31_august_or_has_ended(db) -> None:
    ends = set(db.exec(select(Pupil.enrollment_end)).all())
    assert school_year_end(TODAY) == date(2027, 8, 31)
    assert date(2027, 8, 31) in ends
    for end in ends - {date(2027, 8, 31)}:
        assert end < TODAY


# --- Idempotent and deterministic -------------------------------------------------------------


def _counts(session: Session) -> dict[str, int]:
    tables = {
        "school": School,
        "pupil": Pupil,
        "account": LeerIDAccount,
        "administrator": Administrator,
        "administrator_school": AdministratorSchool,
    }
    return {
        name: session.exec(select(func.count()).select_from(table)).one()
        for name, table in tables.items()
    }


def test_seeding_twice_changes_nothing(demo_engine) -> None:
    with Session(demo_engine) as session:
        before = _counts(session)
        hashes_before = sorted(session.exec(select(LeerIDAccount.password_hash)).all())
        events_before = session.exec(select(func.count(AuditEvent.id))).one()

        assert seed_demo(session, today=date(2027, 3, 1)) is False
        session.commit()

        assert _counts(session) == before
        assert sorted(session.exec(select(LeerIDAccount.password_hash)).all()) == hashes_before
        assert session.exec(select(func.count(AuditEvent.id))).one() == events_before


def test_the_same_day_gives_the_same_demo(demo_engine, request, tmp_path) -> None:
    kind = demo_engine.dialect.name
    for other_engine in _fresh_engine(kind, request, tmp_path):
        with Session(other_engine) as session:
            assert seed_demo(session, today=TODAY) is True
            session.commit()
            second = snapshot(session)
    with Session(demo_engine) as session:
        first = snapshot(session)

    assert len(first) == 200 + len([row for row in first if row[0] == SECOND_SCHOOL])
    assert first == second


SNAPSHOT_SCRIPT = """
import json
from datetime import date
from argon2 import PasswordHasher
from sqlmodel import Session, SQLModel, select
from leerid_app import models
from leerid_app.db import make_engine
from leerid_app.services.demo import seed_demo
from leerid_app.services.hashing import PasswordHashing

engine = make_engine("sqlite://")
SQLModel.metadata.create_all(engine)
# The passwords do not matter here, only the pupils: a cheap hasher keeps this quick.
cheap = PasswordHashing(b"p" * 32, PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
with Session(engine) as session:
    seed_demo(session, today=date(2026, 11, 29), hashing=cheap)
    rows = session.exec(select(models.Pupil)).all()
    print(json.dumps(sorted(
        [p.stamnummer, p.first_name, p.last_name, p.administrative_group] for p in rows
    )))
"""


def test_the_demo_does_not_depend_on_the_process(tmp_path) -> None:
    """Python salts string hashes per process; the demo's pupils must not change with it."""

    def pupils_with_hash_seed(seed: str) -> list:
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(PROJECT_ROOT)}
        completed = subprocess.run(
            [sys.executable, "-c", SNAPSHOT_SCRIPT],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr[-2000:]
        return json.loads(completed.stdout.strip().splitlines()[-1])

    first = pupils_with_hash_seed("1")
    second = pupils_with_hash_seed("2")
    assert len(first) > 200
    assert first == second


@pytest.mark.parametrize("today", [date(2026, 9, 1)])
def test_seeding_on_the_first_day_of_the_school_year(engine, today) -> None:
    """On 1 September the school year is hours old: seeding must still work."""
    with Session(engine) as session:
        assert seed_demo(session, today=today) is True
        session.commit()
        demo = school_id(session, DEMO_SCHOOL)
        assert session.exec(select(func.count(Pupil.id)).where(Pupil.school_id == demo)).one() == (
            200
        )
        now = datetime.combine(today, time.max, tzinfo=UTC)
        for account in session.exec(select(LeerIDAccount)).all():
            assert as_utc(account.created_at) <= now
        actief = count_pupils(
            session,
            school_id=demo,
            filters=PupilFilter(status=AccountStatus.ACTIEF),
            today=today,
        )
        assert actief > 100


def test_the_demo_has_pupil_logins_of_the_last_30_days_for_the_overzicht(db) -> None:
    demo = school_id(db, DEMO_SCHOOL)
    chart = logins_per_day(db, school_id=demo, today=TODAY)
    assert chart.source is LoginSource.AUDIT
    assert chart.total > 50
    assert sum(1 for _day, count in chart.days if count) >= 10
    # Every pupil's latest login event is their Laatste aanmelding.
    latest = db.exec(
        select(AuditEvent.pupil_id, func.max(AuditEvent.occurred_at))
        .where(AuditEvent.action == AuditAction.PUPIL_LOGIN.value)
        .group_by(AuditEvent.pupil_id)
    ).all()
    assert latest
    for pupil_id, moment in latest:
        account = db.exec(select(LeerIDAccount).where(LeerIDAccount.pupil_id == pupil_id)).one()
        assert as_utc(moment) == as_utc(account.last_login_at)
    actors = db.exec(
        select(AuditEvent.actor_username)
        .where(AuditEvent.action == AuditAction.PUPIL_LOGIN.value)
        .distinct()
    ).all()
    assert actors == [PUPIL_ACTOR]


def test_the_gegevenscontrole_has_something_to_show_in_the_demo(db) -> None:
    issues = data_check(db, school_id=school_id(db, DEMO_SCHOOL), today=TODAY)
    kinds = {issue.kind for issue in issues}
    assert kinds >= {
        DataIssueKind.NAME_DIFFERS,
        DataIssueKind.BIRTH_DATE_DIFFERS,
        DataIssueKind.MISSING_OFFICIAL,
        DataIssueKind.DUPLICATE_INSZ,
    }
    # Every other INSZ encodes the pupil's official birth date.
    demo = school_id(db, DEMO_SCHOOL)
    with_insz = db.exec(select(Pupil).where(Pupil.school_id == demo, Pupil.insz.is_not(None))).all()
    assert len(with_insz) > 150
    wrong = {
        i.stamnummer
        for i in issues
        if i.kind in (DataIssueKind.BIRTH_DATE_DIFFERS, DataIssueKind.DUPLICATE_INSZ)
    }
    for pupil in with_insz:
        if pupil.stamnummer not in wrong:
            assert insz_birth_date(pupil.insz) == pupil.birth_date
