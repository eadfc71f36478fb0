"""Benchmark schools: realistic pupils with LeerIDs, and administrators who can log in."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from itertools import islice

from sqlalchemy import Connection, insert, select

from leerid_app.models import (
    Administrator,
    AdministratorSchool,
    EducationLevel,
    LeerIDAccount,
    Pupil,
    School,
)
from leerid_app.services.accounts import account_type_for, password_type_for
from leerid_app.services.pupils import pupil_search_keys
from leerid_app.services.usernames import candidate_usernames, username_base

# A valid argon2id hash of nothing in particular: pupils' passwords are renewed, never typed.
DUMMY_HASH = (
    "$argon2id$v=19$m=19456,t=2,p=1$ZHVtbXlzYWx0ZHVtbXk$ZHVtbXloYXNoZHVtbXloYXNoZHVtbXloYXNoMTI"
)
FIRST_NAMES = [
    "Emma", "Noah", "Olivia", "Liam", "Louise", "Arthur", "Mila", "Jules", "Elena", "Louis",
    "Nora", "Adam", "Lina", "Victor", "Marie", "Finn", "Ella", "Lucas", "Julia", "Mohamed",
    "Yasmine", "Amani", "Élodie", "Zoë", "Łukasz", "Şükrü", "Ayşe", "Anaïs", "Matteo", "Lotte",
    "Wout", "Fien", "Seppe", "Ines", "Rayan", "Sara", "Milan", "Lore", "Kobe", "Hanne",
    "Pieter-Alexander", "Jan", "Noor", "Ilias", "Nour", "Amélie", "Jef", "Bram", "Saar", "Daan",
]  # fmt: skip
LAST_NAMES = [
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
    "Wouters", "De Smet", "Dubois", "Lambert", "Dupont", "Van den Bossche", "Bogaert",
    "Bogaerts", "Van den Bogaert", "Hermans", "Van Damme", "Vermeulen", "Michiels", "De Clercq",
    "Yılmaz", "El Amrani", "Wiśniewski", "Nowak", "Kaya", "Öztürk", "Diallo", "Bockstal",
    "De Vos", "Martens", "Claeys", "Pauwels", "Smets", "Aerts", "Cools", "Van Acker", "Lemmens",
    "Verstraeten", "Baert", "Dewulf", "El Idrissi", "Müller", "Nguyen", "Kowalski",
]  # fmt: skip
GROUPS: dict[EducationLevel, list[str]] = {
    EducationLevel.BASIS: [
        f"{year}de leerjaar {letter}" for year in range(1, 7) for letter in "AB"
    ],
    EducationLevel.SECUNDAIR: [
        "1A1",
        "1A2",
        "2A1",
        "3 Economie",
        "4 Latijn-Wiskunde",
        "2e lj 3e gr Elektromechanica TSO",
        "5 Bouw BSO",
        "6 Wetenschappen-wiskunde",
    ],
    EducationLevel.BUITENGEWOON: [f"OV{ov} groep {letter}" for ov in (1, 2, 3) for letter in "AB"],
}
LEVEL_WEIGHTS = {
    EducationLevel.BASIS: 45,
    EducationLevel.SECUNDAIR: 45,
    EducationLevel.BUITENGEWOON: 10,
}


def pupil_row(rng: random.Random, school_id: int, stamnummer: str, today: date) -> dict:
    """One enrolled pupil with a name, group, level and official data."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    level = rng.choices(list(LEVEL_WEIGHTS), weights=list(LEVEL_WEIGHTS.values()))[0]
    search_text, sort_key = pupil_search_keys(stamnummer, first, last)
    end_year = today.year + (1 if today.month >= 9 else 0)
    return {
        "school_id": school_id,
        "stamnummer": stamnummer,
        "first_name": first,
        "last_name": last,
        "administrative_group": rng.choice(GROUPS[level]),
        "education_level": level,
        "enrollment_end": date(end_year, 8, 31),
        "official_first_name": first,
        "official_last_name": last,
        "gender": rng.choice("MVX"),
        "birth_date": date(2008 + rng.randrange(10), 1 + rng.randrange(12), 1 + rng.randrange(28)),
        "search_text": search_text,
        "sort_key": sort_key,
    }


def add_school(
    conn: Connection,
    name: str,
    *,
    with_account: int,
    without_account: int = 0,
    prefix: str,
    rng: random.Random,
    taken: dict[str, int],
) -> tuple[int, dict[str, int]]:
    """A school of pupils, the first ``with_account`` with a LeerID; returns its id and
    the pupil ids by stamnummer (``<prefix>000000`` with, ``<prefix>N000000`` without).

    ``taken`` counts the usernames handed out so far (shared over schools: they are unique
    in the whole system), as the app numbers them: base, base1, base2 …
    """
    today = date.today()
    now = datetime.now(UTC)
    school_id = conn.execute(
        insert(School.__table__).returning(School.id), {"name": name}
    ).scalar_one()
    rows = [pupil_row(rng, school_id, f"{prefix}{i:06d}", today) for i in range(with_account)]
    rows += [pupil_row(rng, school_id, f"{prefix}N{i:06d}", today) for i in range(without_account)]
    if rows:
        conn.execute(insert(Pupil.__table__), rows)
    ids = dict(
        conn.execute(select(Pupil.stamnummer, Pupil.id).where(Pupil.school_id == school_id)).all()
    )
    existing = set(conn.execute(select(LeerIDAccount.username)).scalars())
    accounts = []
    for row in rows[:with_account]:
        base = username_base(row["first_name"], row["last_name"])
        nth = taken.get(base, 0)
        username = next(islice(candidate_usernames(base), nth, None))
        while username in existing:  # a database that holds other schools already
            nth += 1
            username = next(islice(candidate_usernames(base), nth, None))
        taken[base] = nth + 1
        account_type = account_type_for(row["education_level"])
        accounts.append(
            {
                "pupil_id": ids[row["stamnummer"]],
                "account_type": account_type,
                "username": username,
                "password_hash": DUMMY_HASH,
                "password_type": password_type_for(account_type),
                "must_change_password": False,
                "created_at": now - timedelta(days=30),
            }
        )
    if accounts:
        conn.execute(insert(LeerIDAccount.__table__), accounts)
    return school_id, ids


def add_administrator(
    conn: Connection, username: str, password_hash: str, school_ids: list[int]
) -> int:
    """An active administrator of the given schools (the hash made with the app's pepper)."""
    admin_id = conn.execute(
        insert(Administrator.__table__).returning(Administrator.id),
        {
            "username": username,
            "display_name": username,
            "password_hash": password_hash,
            "is_active": True,
            "created_at": datetime.now(UTC),
        },
    ).scalar_one()
    if school_ids:
        conn.execute(
            insert(AdministratorSchool.__table__),
            [{"administrator_id": admin_id, "school_id": school_id} for school_id in school_ids],
        )
    return admin_id


def analyze(conn: Connection) -> None:
    """Fresh planner statistics after a bulk insert (as a database in use has)."""
    conn.exec_driver_sql("ANALYZE")
