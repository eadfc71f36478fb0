"""Deterministic, idempotent demo data: the manual's school and pupils, plus a second school."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from faker import Faker
from sqlalchemy import select
from sqlmodel import Session

from leerid_app.models import (
    AccountType,
    EducationLevel,
    LeerIDAccount,
    PasswordType,
    Pupil,
    School,
)
from leerid_app.services import admins, audit, clock, passwords, usernames
from leerid_app.services.accounts import account_type_for, add_months, password_type_for
from leerid_app.services.audit import PUPIL_ACTOR, AuditAction
from leerid_app.services.dates import school_year_end, school_year_start
from leerid_app.services.hashing import PasswordHashing, get_password_hashing
from leerid_app.services.pupils import pupil_search_keys
from leerid_app.settings import get_settings

DEMO_SCHOOL = "BRUSSEL-STAD - TEST School 2"
SECOND_SCHOOL = "GENT - TEST School 7"
# Six-digit institution numbers as the Flemish education department gives them.
DEMO_SCHOOL_NUMBER = "046623"
SECOND_SCHOOL_NUMBER = "113258"
DEMO_ADMIN_PASSWORD = "LeerID-demo-2023"  # noqa: S105  (published in the README for demos)
DEMO_ADMINS = (
    ("beheerder", "Demo Beheerder", (DEMO_SCHOOL, SECOND_SCHOOL)),
    ("beheerder.b", "Demo Beheerder B", (SECOND_SCHOOL,)),
)
SEED = 2023
LOGIN_HISTORY_DAYS = 30


@dataclass(frozen=True)
class DemoPupilLogin:
    """A demo pupil whose password the README gives, to try the Leerlingloket."""

    username: str
    password: str
    what: str


# Published in the README: one of each kind a live demo of the Leerlingloket needs.
DEMO_PUPIL_LOGINS = (
    DemoPupilLogin("abdulghani.bogdan", "34kip7", "basic account"),
    DemoPupilLogin("amani.bockstal", "Qxu7Benc", "advanced, must still choose a password"),
    DemoPupilLogin("butrint.boeren1", "Fiets-Wolk-Paard-92", "advanced with a linked e-mail"),
)

PRIMARY_GROUPS = tuple(f"{n} leerjaar" for n in ("1ste", "2de", "3de", "4de", "5de", "6de"))
SECONDARY_GROUPS = (
    "1e lj 1e gr A-stroom",
    "2e lj 1e gr Mechanica-elektriciteit",
    "1e lj 2e gr Wetenschappen ASO",
    "2e lj 2e gr Wetenschappen ASO",
    "1e lj 2e gr Handel TSO",
    "1e lj 3e gr Kantoor BSO",
    "1e lj 3e gr Sociale en techn. wet. TSO",
    "2e lj 3e gr Elektromechanica TSO",
)
SPECIAL_GROUPS = ("BuSO OV3 Kantoor", "BuBaO Type 9 klas A")

# Latin-script names of families common in Brussels schools that Faker's locales lack.
MAGHREB_FIRST = (
    "Mohamed",
    "Yassine",
    "Amina",
    "Fatima",
    "Ilyas",
    "Nour",
    "Rayan",
    "Soufiane",
    "Imane",
    "Hamza",
    "Salma",
    "Adam",
    "Aya",
    "Bilal",
    "Meryem",
    "Zakaria",
)
MAGHREB_LAST = (
    "El Amrani",
    "Benali",
    "Bouzid",
    "El Idrissi",
    "Azzouzi",
    "Ouali",
    "Chahid",
    "Belhadj",
    "Ait Taleb",
    "Haddouchi",
)
FAKER_LOCALES = (
    "nl_BE",
    "nl_BE",
    "nl_BE",
    "fr_BE",
    "tr_TR",
    "pl_PL",
    "ro_RO",
    "it_IT",
    "es_ES",
    "pt_PT",
)


@dataclass(frozen=True)
class ManualPupil:
    """A pupil from the manual's screenshots, with the manual's data."""

    first_name: str
    last_name: str
    stamnummer: str
    group: str
    level: EducationLevel
    gender: str | None
    birth_date: date | None
    account: bool = True
    username: str | None = None
    email: str | None = None
    logged_in: bool = False


MANUAL_PUPILS = (
    ManualPupil(
        "Abdulghani",
        "Bogdan",
        "60351",
        "6de leerjaar",
        EducationLevel.BASIS,
        "M",
        date(2010, 11, 7),
    ),
    ManualPupil(
        "Ardalan",
        "Bhatti",
        "32890",
        "2e lj 3e gr Elektromechanica TSO",
        EducationLevel.SECUNDAIR,
        "M",
        date(2010, 6, 11),
    ),
    ManualPupil(
        "Amani",
        "Bockstal",
        "80240",
        "1e lj 3e gr Sociale en techn. wet. TSO",
        EducationLevel.SECUNDAIR,
        "M",
        date(2007, 6, 3),
    ),
    ManualPupil(
        "Butrint",
        "Boeren",
        "47727",
        "2e lj 2e gr Wetenschappen ASO",
        EducationLevel.SECUNDAIR,
        "M",
        date(2008, 2, 14),
        username="butrint.boeren1",
        email="t.boerens@ond.vlaanderen.be",
        logged_in=True,
    ),
    ManualPupil(
        "Sezen",
        "Beuken",
        "70246",
        "1e lj 3e gr Kantoor BSO",
        EducationLevel.SECUNDAIR,
        "V",
        date(2007, 9, 21),
        logged_in=True,
    ),
    ManualPupil(
        "Pieter-Alexander",
        "Bogaert",
        "93504",
        "2e lj 1e gr Mechanica-elektriciteit",
        EducationLevel.SECUNDAIR,
        "M",
        date(2011, 4, 30),
        account=False,
    ),
)


@dataclass
class _PlannedPupil:
    pupil: Pupil
    account_type: AccountType | None
    username: str | None = None
    email: str | None = None
    logged_in: bool = False
    must_change: bool = False


class _DemoBuilder:
    """Builds one school's pupils from a seeded random generator, relative to ``today``."""

    def __init__(self, school: School, today: date, seed: int) -> None:
        self.school = school
        self.today = today
        self.rng = random.Random(seed)
        # Sorted, not a set's order: that changes with PYTHONHASHSEED, so every start of the
        # app would seed the locales differently and show other demo pupils.
        self.fakers = {locale: Faker(locale) for locale in sorted(set(FAKER_LOCALES))}
        for index, faker in enumerate(self.fakers.values()):
            faker.seed_instance(seed + index)
        self.used_stamnummers: set[str] = set()
        self.planned: list[_PlannedPupil] = []

    def _name(self) -> tuple[str, str, str]:
        gender = self.rng.choice("MV")
        if self.rng.random() < 0.15:
            return self.rng.choice(MAGHREB_FIRST), self.rng.choice(MAGHREB_LAST), gender
        faker = self.fakers[self.rng.choice(FAKER_LOCALES)]
        first = faker.first_name_male() if gender == "M" else faker.first_name_female()
        return first, faker.last_name(), gender

    def _stamnummer(self) -> str:
        while True:
            candidate = str(self.rng.randint(10000, 99999))
            if candidate not in self.used_stamnummers:
                self.used_stamnummers.add(candidate)
                return candidate

    def _birth_date(self, group: str, level: EducationLevel) -> date:
        year_of_study = 1 + (
            PRIMARY_GROUPS.index(group) if group in PRIMARY_GROUPS else self.rng.randint(6, 11)
        )
        age = 5 + year_of_study
        born = date(school_year_start(self.today).year - age, 1, 1)
        return born + timedelta(days=self.rng.randint(0, 364))

    def add(
        self,
        first: str,
        last: str,
        stamnummer: str,
        group: str,
        level: EducationLevel,
        *,
        gender: str | None,
        birth_date: date | None,
        account: bool,
        left_school: bool = False,
        username: str | None = None,
        email: str | None = None,
        logged_in: bool = False,
    ) -> None:
        self.used_stamnummers.add(stamnummer)
        end = school_year_end(self.today)
        if left_school:
            # Left during this school year: their account shows as inactive.
            end = self.today - timedelta(days=self.rng.randint(5, 60))
        search_text, sort_key = pupil_search_keys(stamnummer, first, last)
        pupil = Pupil(
            school_id=self.school.id,
            stamnummer=stamnummer,
            first_name=first,
            last_name=last,
            administrative_group=group,
            education_level=level,
            enrollment_end=end,
            official_first_name=first if (gender or birth_date) else None,
            official_last_name=last if (gender or birth_date) else None,
            gender=gender,
            birth_date=birth_date,
            search_text=search_text,
            sort_key=sort_key,
        )
        self.planned.append(
            _PlannedPupil(
                pupil=pupil,
                account_type=account_type_for(level) if account else None,
                username=username,
                email=email,
                logged_in=logged_in,
            )
        )

    def add_random(self, count: int, groups: tuple[str, ...], level: EducationLevel) -> None:
        for _ in range(count):
            first, last, gender = self._name()
            group = self.rng.choice(groups)
            no_official = self.rng.random() < 0.08
            account = self.rng.random() >= 0.12
            account_type = account_type_for(level)
            email = None
            if account and account_type is AccountType.GEVORDERD and self.rng.random() < 0.25:
                local = usernames.username_base(first, last).replace("-", "")
                email = f"{local}{self.rng.randint(1, 99)}@{self.rng.choice(EMAIL_DOMAINS)}"
            self.add(
                first,
                last,
                self._stamnummer(),
                group,
                level,
                gender=None if no_official else gender,
                birth_date=None if no_official else self._birth_date(group, level),
                account=account,
                left_school=self.rng.random() < 0.05,
                email=email,
                logged_in=self.rng.random() < 0.55,
            )


EMAIL_DOMAINS = ("ond.vlaanderen.be", "telenet.be", "gmail.com", "outlook.com", "skynet.be")


def _hash_all(plain: list[str], hashing: PasswordHashing) -> list[str]:
    # argon2 releases the GIL: one thread per core hashes the demo passwords in parallel.
    with ThreadPoolExecutor(max_workers=get_settings().hash_workers) as pool:
        return list(pool.map(hashing.hash, plain))


def demo_insz(born: date, sequence: int) -> str:
    """A rijksregisternummer with a valid checksum (``2`` prefixed for births from 2000)."""
    body = f"{born:%y%m%d}{sequence:03d}"
    prefixed = ("2" if born.year >= 2000 else "") + body
    return f"{body}{97 - int(prefixed) % 97:02d}"


def _add_insz_and_findings(builder: _DemoBuilder) -> None:
    """INSZ for every pupil with a birth date, and a few errors for the Gegevenscontrole:
    an INSZ whose birth date differs, two pupils sharing an INSZ, a differing official name.

    A separate random generator keeps the rest of the demo as it was.
    """
    rng = random.Random(SEED * 7 + (builder.school.id or 0))
    dated = [p.pupil for p in builder.planned if p.pupil.birth_date is not None]
    for pupil in dated:
        assert pupil.birth_date is not None
        pupil.insz = demo_insz(pupil.birth_date, rng.randint(1, 997))
    manual = {m.stamnummer for m in MANUAL_PUPILS}
    candidates = [p for p in dated if p.stamnummer not in manual]
    if len(candidates) < 4:
        return
    wrong_birth, first, second, renamed = rng.sample(candidates, 4)
    assert wrong_birth.birth_date is not None
    wrong_birth.insz = demo_insz(wrong_birth.birth_date + timedelta(days=1), 401)
    second.insz = first.insz
    renamed.official_first_name = f"{renamed.first_name}-Maria"


def _store(session: Session, builder: _DemoBuilder, hashing: PasswordHashing) -> None:
    session.add_all(planned.pupil for planned in builder.planned)
    session.flush()
    with_account = [planned for planned in builder.planned if planned.account_type]
    # Nobody knows the demo pupils' passwords: administrators hand out new ones in the demo.
    plain = [passwords.generate_password(p.account_type) for p in with_account]  # type: ignore[arg-type]
    hashes = _hash_all(plain, hashing)
    now = datetime.combine(builder.today, time(7, 0), tzinfo=UTC)
    # On 1 September the school year is only hours old: still leave an hour to create in.
    start = min(
        datetime.combine(school_year_start(builder.today), time(8, 0), tzinfo=UTC),
        now - timedelta(hours=1),
    )
    handed_out: set[str] = set()
    logins: list[tuple[int, datetime, datetime]] = []
    for planned, password_hash in zip(with_account, hashes, strict=True):
        rng = builder.rng
        assert planned.account_type is not None
        created = start + timedelta(
            minutes=rng.randint(0, int((now - start).total_seconds() // 60))
        )
        username = planned.username or usernames.unique_username(
            session, planned.pupil.first_name, planned.pupil.last_name, reserved=handed_out
        )
        handed_out.add(username)
        # Only a pupil who logged in and chose their own password can have linked an e-mail
        # (in the Leerlingloket), so an e-mail implies both.
        has_email = planned.email is not None
        last_login = None
        if planned.logged_in or has_email:
            last_login = created + (now - created) * rng.random()
        advanced = planned.account_type is AccountType.GEVORDERD
        # Advanced pupils who logged in have set their own password, except a few late ones.
        own_password = advanced and last_login is not None and (has_email or rng.random() < 0.8)
        must_change = advanced and not own_password
        session.add(
            LeerIDAccount(
                pupil_id=planned.pupil.id,
                account_type=planned.account_type,
                username=username,
                password_hash=password_hash,
                password_type=PasswordType.EIGEN
                if own_password
                else password_type_for(planned.account_type),
                must_change_password=must_change,
                password_change_deadline=add_months(created.date(), 1) if must_change else None,
                email=planned.email,
                created_at=created,
                last_login_at=last_login,
                password_changed_at=created,
            )
        )
        if last_login is not None:
            assert planned.pupil.id is not None
            logins.append((planned.pupil.id, created, last_login))
    _seed_login_events(session, builder, logins, now)
    session.flush()


def _seed_login_events(
    session: Session,
    builder: _DemoBuilder,
    logins: list[tuple[int, datetime, datetime]],
    now: datetime,
) -> None:
    """The Leerlingloket's login events of the last 30 days, ending at each ``last_login_at``.

    Pupils log in on some school days during lessons; a separate random generator keeps the
    rest of the demo the same as before.
    """
    rng = random.Random(SEED * 31 + (builder.school.id or 0))
    window_start = now - timedelta(days=LOGIN_HISTORY_DAYS)
    for pupil_id, created, last_login in logins:
        if last_login < window_start:
            continue
        moments = [last_login]
        day = max(created, window_start).date()
        while day < last_login.date():
            if day.weekday() < 5 and rng.random() < 0.35:
                lesson = time(rng.randint(7, 13), rng.randint(0, 59), tzinfo=UTC)
                moments.append(datetime.combine(day, lesson))
            day += timedelta(days=1)
        for moment in moments:
            audit.record_event(
                session,
                action=AuditAction.PUPIL_LOGIN,
                actor_administrator_id=None,
                actor_username=PUPIL_ACTOR,
                school_id=builder.school.id,
                pupil_id=pupil_id,
                now=moment,
            )


def _build_demo_school(session: Session, today: date) -> tuple[School, _DemoBuilder]:
    school = School(name=DEMO_SCHOOL, instellingsnummer=DEMO_SCHOOL_NUMBER)
    session.add(school)
    session.flush()
    builder = _DemoBuilder(school, today, SEED)
    for manual in MANUAL_PUPILS:
        builder.add(
            manual.first_name,
            manual.last_name,
            manual.stamnummer,
            manual.group,
            manual.level,
            gender=manual.gender,
            birth_date=manual.birth_date,
            account=manual.account,
            username=manual.username,
            email=manual.email,
            logged_in=manual.logged_in,
        )
    # Their fixed stamnummers are taken before the random ones are drawn, so none collides.
    builder.used_stamnummers.update(("11223", "11224"))
    builder.add_random(102, PRIMARY_GROUPS, EducationLevel.BASIS)
    builder.add_random(82, SECONDARY_GROUPS, EducationLevel.SECUNDAIR)
    builder.add_random(8, SPECIAL_GROUPS, EducationLevel.BUITENGEWOON)
    # Two pupils of the same name without account: activation must still give unique usernames.
    for stamnummer, group in (("11223", "3de leerjaar"), ("11224", "5de leerjaar")):
        builder.add(
            "Lucas",
            "Peeters",
            stamnummer,
            group,
            EducationLevel.BASIS,
            gender="M",
            birth_date=None,
            account=False,
        )
    return school, builder


def _give_known_passwords(session: Session, hashing: PasswordHashing, today: date) -> None:
    """The README's demo pupils: known passwords, and Amani's month to choose just begun."""
    now = datetime.combine(today, time(7, 0), tzinfo=UTC)
    for login in DEMO_PUPIL_LOGINS:
        account = session.execute(
            select(LeerIDAccount).where(LeerIDAccount.username == login.username)
        ).scalar_one()
        account.password_hash = hashing.hash(login.password)
        if account.must_change_password:
            created = max(
                datetime.combine(school_year_start(today), time(8, 0), tzinfo=UTC),
                now - timedelta(days=3),
            )
            created = min(created, now - timedelta(hours=1))
            account.created_at = account.password_changed_at = created
            account.last_login_at = None
            account.password_change_deadline = add_months(created.date(), 1)
        session.add(account)
    session.flush()


def seed_demo(
    session: Session, *, today: date | None = None, hashing: PasswordHashing | None = None
) -> bool:
    """Fill an empty database with the demo; does nothing when the demo school exists."""
    if session.execute(select(School.id).where(School.name == DEMO_SCHOOL)).first():
        return False
    today = today or clock.today()
    hashing = hashing or get_password_hashing()

    # The second school first, so its Butrint Boeren owns `butrint.boeren` as in the manual.
    second = School(name=SECOND_SCHOOL, instellingsnummer=SECOND_SCHOOL_NUMBER)
    session.add(second)
    session.flush()
    second_builder = _DemoBuilder(second, today, SEED + 1)
    second_builder.add(
        "Butrint",
        "Boeren",
        "20001",
        "4de leerjaar",
        EducationLevel.BASIS,
        gender="M",
        birth_date=date(school_year_start(today).year - 9, 5, 2),
        account=True,
        logged_in=True,
    )
    second_builder.add_random(45, PRIMARY_GROUPS, EducationLevel.BASIS)
    second_builder.add_random(14, SECONDARY_GROUPS[:3], EducationLevel.SECUNDAIR)
    _add_insz_and_findings(second_builder)
    _store(session, second_builder, hashing)

    _, builder = _build_demo_school(session, today)
    _add_insz_and_findings(builder)
    _store(session, builder, hashing)

    _give_known_passwords(session, hashing, today)

    for username, display_name, school_names in DEMO_ADMINS:
        admins.create_administrator(session, username, display_name, DEMO_ADMIN_PASSWORD)
        for school_name in school_names:
            admins.grant_school(session, username, school_name)
    session.flush()
    return True
