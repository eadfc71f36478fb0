"""Times every pupil-list query on a throw-away database of 1,000,000 pupils (p50/p95, payload)."""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, insert, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from benchmarks.data import FIRST_NAMES, LAST_NAMES
from leerid_app.db import make_engine
from leerid_app.models import (
    AccountType,
    EducationLevel,
    LeerIDAccount,
    PasswordType,
    Pupil,
    School,
)
from leerid_app.services.pupils import (
    MAX_PAGE_SIZE,
    AccountStatus,
    PupilFilter,
    SortField,
    count_pupils,
    list_pupils,
    matching_pupil_ids,
    pupil_search_keys,
)
from leerid_app.services.text import fold

TARGET_MS = 10.0
PAYLOAD_TARGET_BYTES = 100 * 1024
PAGE_SIZE = 50
CHUNK = 10_000
INTAKES = 6  # pupils arrive in yearly intakes across all schools, as in a real database
RESULTS_FILE = Path(__file__).resolve().parent / "results" / "list_queries.json"

SECONDARY_GROUPS = [
    "1A1", "1A2", "1A3", "1B", "2A1", "2A2", "2B", "3 Economie", "3e lj 2e gr Elektromechanica",
    "4 Latijn-Wiskunde", "4e lj 2e gr Elektromechanica TSO", "5 Moderne talen-wetenschappen",
    "5 Bouw BSO", "6 Wetenschappen-wiskunde", "6e lj 3e gr Elektrotechnieken TSO",
]  # fmt: skip
GROUPS: dict[EducationLevel, list[str]] = {
    EducationLevel.BASIS: [
        *(f"K{year}" for year in (1, 2, 3)),
        *(f"L{year}{letter}" for year in range(1, 7) for letter in "AB"),
    ],
    EducationLevel.SECUNDAIR: SECONDARY_GROUPS,
    EducationLevel.BUITENGEWOON: [
        f"OV{ov} groep {letter}" for ov in (1, 2, 3) for letter in "ABCDE"
    ],
}
ACCOUNT_TYPE_FOR_LEVEL = {
    EducationLevel.BASIS: AccountType.BASIS,
    EducationLevel.BUITENGEWOON: AccountType.BASIS,
    EducationLevel.SECUNDAIR: AccountType.GEVORDERD,
}
DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$YmVuY2htYXJrc2FsdA$" + "A" * 43

PUPIL_COLUMNS = [
    "id", "school_id", "stamnummer", "first_name", "last_name", "administrative_group",
    "education_level", "enrollment_end", "official_first_name", "official_last_name", "gender",
    "birth_date", "search_text", "sort_key",
]  # fmt: skip
ACCOUNT_COLUMNS = [
    "id", "pupil_id", "account_type", "username", "password_hash", "password_type",
    "must_change_password", "password_change_deadline", "email", "created_at", "last_login_at",
    "password_changed_at",
]  # fmt: skip

Row = tuple[Any, ...]


# --------------------------------------------------------------------------- data


def school_level(school_id: int) -> EducationLevel:
    """Half primary, 40 % secondary, 10 % special-needs schools."""
    bucket = school_id % 10
    if bucket < 5:
        return EducationLevel.BASIS
    if bucket == 5:
        return EducationLevel.BUITENGEWOON
    return EducationLevel.SECUNDAIR


def username_part(name: str) -> str:
    """``Van den Bossche`` -> ``vandenbossche``, ``Şükrü`` -> ``sukru``."""
    return "".join(ch for ch in fold(name) if ch.isalnum())


def generate_rows(
    pupils: int, schools: int, today: date, seed: int
) -> Iterator[tuple[list[Row], list[Row]]]:
    """Pupil and account rows in chunks of ``CHUNK`` pupils, ids assigned in insert order."""
    rng = random.Random(seed)
    sizes = [pupils // schools + (1 if index < pupils % schools else 0) for index in range(schools)]
    stam_base = [rng.randint(100_000, 9_000_000) for _ in range(schools)]
    created = datetime(2024, 9, 1, 8, 0, tzinfo=UTC)
    pupil_id = 0
    account_id = 0
    pupil_rows: list[Row] = []
    account_rows: list[Row] = []
    for intake in range(INTAKES):
        for school_index in range(schools):
            school_id = school_index + 1
            level = school_level(school_id)
            groups = GROUPS[level]
            account_type = ACCOUNT_TYPE_FOR_LEVEL[level]
            size = sizes[school_index]
            first_in_intake = size * intake // INTAKES
            for number in range(first_in_intake, size * (intake + 1) // INTAKES):
                pupil_id += 1
                first = rng.choice(FIRST_NAMES)
                last = rng.choice(LAST_NAMES)
                stamnummer = str(stam_base[school_index] + number)
                search_text, sort_key = pupil_search_keys(stamnummer, first, last)
                if rng.random() < 0.88:
                    end = today + timedelta(days=rng.randint(30, 1_000))
                else:
                    end = today - timedelta(days=rng.randint(1, 700))
                official = rng.random() < 0.7
                pupil_rows.append(
                    (
                        pupil_id,
                        school_id,
                        stamnummer,
                        first,
                        last,
                        rng.choice(groups),
                        level,
                        end,
                        first if official else None,
                        last if official else None,
                        rng.choice("MVX") if official else None,
                        date(2008 + rng.randint(0, 12), rng.randint(1, 12), rng.randint(1, 28))
                        if official
                        else None,
                        search_text,
                        sort_key,
                    )
                )
                if rng.random() < 0.88:
                    account_id += 1
                    username = f"{username_part(first)}.{username_part(last)}{account_id}"[:50]
                    own_password = rng.random() < 0.25
                    password_type = (
                        PasswordType.EIGEN if own_password else PasswordType(account_type.value)
                    )
                    must_change = password_type is PasswordType.GEVORDERD and rng.random() < 0.5
                    account_rows.append(
                        (
                            account_id,
                            pupil_id,
                            account_type,
                            username,
                            DUMMY_HASH,
                            password_type,
                            must_change,
                            today + timedelta(days=14) if must_change else None,
                            f"{username}@school{school_id}.example" if rng.random() < 0.3 else None,
                            created + timedelta(days=rng.randint(0, 400)),
                            created + timedelta(days=rng.randint(0, 600))
                            if rng.random() < 0.6
                            else None,
                            created + timedelta(days=rng.randint(0, 500)) if own_password else None,
                        )
                    )
                if len(pupil_rows) >= CHUNK:
                    yield pupil_rows, account_rows
                    pupil_rows, account_rows = [], []
    if pupil_rows:
        yield pupil_rows, account_rows


def memoized_processors(engine: Engine, table_columns: Sequence[Any]) -> list[Callable | None]:
    """SQLAlchemy's own bind conversion per column (enum -> name, date -> text), memoized."""
    dialect = engine.dialect
    processors: list[Callable | None] = []
    for column in table_columns:
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if process is None:
            processors.append(None)
            continue
        cache: dict[Any, Any] = {}

        def convert(value: Any, process: Callable = process, cache: dict = cache) -> Any:
            try:
                return cache[value]
            except KeyError:
                cache[value] = result = process(value)
                return result

        processors.append(convert)
    return processors


def convert_rows(rows: list[Row], processors: list[Callable | None]) -> list[Row]:
    """Apply the per-column processors to every row."""
    active = [(index, process) for index, process in enumerate(processors) if process]
    converted = []
    for row in rows:
        values = list(row)
        for index, process in active:
            values[index] = process(values[index])
        converted.append(tuple(values))
    return converted


def insert_sql(table: str, columns: Sequence[str]) -> str:
    """A qmark INSERT; table and column names are this module's constants, never user input."""
    names = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    return f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608


def load(engine: Engine, pupils: int, schools: int, today: date, seed: int) -> tuple[float, int]:
    """Create the schema and fill it; returns (seconds, rows of leerid_account)."""
    start = time.perf_counter()
    SQLModel.metadata.create_all(engine)
    school_rows = [(index, f"Benchmarkschool {index:03d}") for index in range(1, schools + 1)]
    accounts = 0
    chunks = generate_rows(pupils, schools, today, seed)
    if engine.dialect.name == "sqlite":
        pupil_processors = memoized_processors(
            engine, [Pupil.__table__.c[name] for name in PUPIL_COLUMNS]
        )
        account_processors = memoized_processors(
            engine, [LeerIDAccount.__table__.c[name] for name in ACCOUNT_COLUMNS]
        )
        pupil_sql = insert_sql("pupil", PUPIL_COLUMNS)
        account_sql = insert_sql("leerid_account", ACCOUNT_COLUMNS)
        # A private loader connection with a big cache; the measured engine keeps the app's.
        connection = sqlite3.connect(str(make_url(str(engine.url)).database), isolation_level=None)
        try:
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute("PRAGMA cache_size=-1048576")
            connection.execute("BEGIN")
            connection.executemany("INSERT INTO school (id, name) VALUES (?, ?)", school_rows)
            for pupil_rows, account_rows in chunks:
                connection.executemany(pupil_sql, convert_rows(pupil_rows, pupil_processors))
                connection.executemany(account_sql, convert_rows(account_rows, account_processors))
                accounts += len(account_rows)
            connection.execute("COMMIT")
            connection.execute("ANALYZE")
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    else:
        with engine.begin() as conn:
            conn.execute(
                insert(School.__table__), [{"id": i, "name": name} for i, name in school_rows]
            )
            for pupil_rows, account_rows in chunks:
                conn.execute(
                    insert(Pupil.__table__),
                    [dict(zip(PUPIL_COLUMNS, r, strict=True)) for r in pupil_rows],
                )
                if account_rows:
                    conn.execute(
                        insert(LeerIDAccount.__table__),
                        [dict(zip(ACCOUNT_COLUMNS, r, strict=True)) for r in account_rows],
                    )
                accounts += len(account_rows)
        # VACUUM as autovacuum would do on a live server (sets the visibility map), plus ANALYZE.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    return time.perf_counter() - start, accounts


def database_size(engine: Engine) -> int:
    """Bytes on disk of the whole database."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
            page_size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
            return int(pages * page_size)
        if engine.dialect.name == "postgresql":
            return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar())
    return 0


# --------------------------------------------------------------------------- measuring


@dataclass(frozen=True)
class SchoolCase:
    """One measured school and search terms that make sense for its pupils."""

    school_id: int
    level: str
    stamnummer_prefix: str
    group: str
    two_words: str


@dataclass
class Result:
    """Timings of one query kind over every measured school."""

    kind: str
    samples_ms: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    def percentile(self, fraction: float) -> float:
        """Nearest-rank percentile in ms."""
        ordered = sorted(self.samples_ms)
        return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]

    def summary(self) -> dict[str, Any]:
        """The numbers that go into the table and the JSON."""
        p95 = self.percentile(0.95)
        return {
            "kind": self.kind,
            "p50_ms": round(self.percentile(0.50), 3),
            "p95_ms": round(p95, 3),
            "max_ms": round(max(self.samples_ms), 3),
            "samples": len(self.samples_ms),
            "matches_min": min(self.rows),
            "matches_max": max(self.rows),
            "meets_target": p95 < TARGET_MS,
        }


QueryCall = Callable[[Session, SchoolCase, date], int]


def page_call(filters: Callable[[SchoolCase], PupilFilter], **kwargs: Any) -> QueryCall:
    """``list_pupils`` with the given filter and sort/page; returns the total."""

    def call(session: Session, case: SchoolCase, today: date) -> int:
        return list_pupils(
            session, school_id=case.school_id, filters=filters(case), today=today, **kwargs
        ).total

    return call


def no_filter(_case: SchoolCase) -> PupilFilter:
    """The list as it opens."""
    return PupilFilter()


QUERIES: list[tuple[str, QueryCall]] = [
    ("first page (Naam asc)", page_call(no_filter)),
    ("sort Naam desc", page_call(no_filter, descending=True)),
    ("sort Voornaam", page_call(no_filter, sort=SortField.VOORNAAM)),
    ("sort Stamnummer", page_call(no_filter, sort=SortField.STAMNUMMER)),
    ("sort Groep", page_call(no_filter, sort=SortField.GROEP)),
    ("page 20", page_call(no_filter, page=20)),
    ("last page", page_call(no_filter, page=10**6)),
    ("search stamnummer prefix", page_call(lambda c: PupilFilter(search=c.stamnummer_prefix))),
    ("search name 'bog'", page_call(lambda _c: PupilFilter(search="bog"))),
    ("search two words", page_call(lambda c: PupilFilter(search=c.two_words))),
    ("filter group", page_call(lambda c: PupilFilter(administrative_group=c.group))),
    (
        "filter status Actief",
        page_call(lambda _c: PupilFilter(status=AccountStatus.ACTIEF)),
    ),
    (
        "filter status Inactief",
        page_call(lambda _c: PupilFilter(status=AccountStatus.INACTIEF)),
    ),
    (
        "filter status Geen account",
        page_call(lambda _c: PupilFilter(status=AccountStatus.GEEN_ACCOUNT)),
    ),
    (
        "filter type Gevorderd",
        page_call(lambda _c: PupilFilter(account_type=AccountType.GEVORDERD)),
    ),
    (
        "group+Actief+search 'an'",
        page_call(
            lambda c: PupilFilter(
                search="an", administrative_group=c.group, status=AccountStatus.ACTIEF
            )
        ),
    ),
    (
        "count_pupils only",
        lambda s, c, today: count_pupils(
            s, school_id=c.school_id, filters=PupilFilter(), today=today
        ),
    ),
    (
        "matching_pupil_ids (all)",
        lambda s, c, today: len(
            matching_pupil_ids(s, school_id=c.school_id, filters=PupilFilter(), today=today)
        ),
    ),
]


def pick_cases(engine: Engine, schools: int, count: int, seed: int) -> list[SchoolCase]:
    """``count`` random schools, at least one of them secondary, with fitting search terms."""
    rng = random.Random(seed + 1)
    ids = rng.sample(range(1, schools + 1), min(count, schools))
    if not any(school_level(i) is EducationLevel.SECUNDAIR for i in ids):
        secondary = [
            i for i in range(1, schools + 1) if school_level(i) is EducationLevel.SECUNDAIR
        ]
        ids[0] = rng.choice(secondary)
    cases = []
    with Session(engine) as session:
        for school_id in ids:
            pupils = session.execute(
                text(
                    "SELECT stamnummer, first_name, last_name, administrative_group "
                    "FROM pupil WHERE school_id = :school ORDER BY id LIMIT 200"
                ),
                {"school": school_id},
            ).all()
            stamnummer, first, last, group = rng.choice(pupils)
            cases.append(
                SchoolCase(
                    school_id=school_id,
                    level=school_level(school_id).value,
                    stamnummer_prefix=stamnummer[:4],
                    group=group,
                    two_words=f"{first[:4]} {last[:3]}",
                )
            )
    return cases


def measure(engine: Engine, cases: list[SchoolCase], repeat: int, today: date) -> dict[str, Result]:
    """``repeat`` timed calls per query kind, cycling over the schools, fresh Session each."""
    results: dict[str, Result] = {}
    for kind, call in QUERIES:
        for case in cases:  # warm-up: statement caches, pool, OS page cache
            with Session(engine) as session:
                call(session, case, today)
        result = Result(kind)
        for index in range(repeat):
            case = cases[index % len(cases)]
            start = time.perf_counter()
            with Session(engine) as session:
                matches = call(session, case, today)
            result.samples_ms.append((time.perf_counter() - start) * 1000)
            result.rows.append(matches)
        results[kind] = result
    return results


def explain(engine: Engine, kind: str, case: SchoolCase) -> list[str]:
    """The plan of every SELECT that one call of ``kind`` sends (captured, then EXPLAINed)."""
    call = dict(QUERIES)[kind]
    statements: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with Session(engine) as session:
            call(session, case, date.today())
    finally:
        event.remove(engine, "before_cursor_execute", record)
    lines: list[str] = []
    with engine.connect() as conn:
        for statement, parameters in statements:
            lines.append("SQL: " + " ".join(statement.split()))
            if engine.dialect.name == "sqlite":
                plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
                depth: dict[int, int] = {0: 0}
                for node_id, parent, _unused, detail in plan:
                    depth[node_id] = depth.get(parent, 0) + 1
                    lines.append("  " * depth[node_id] + detail)
            else:
                plan = conn.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters
                ).all()
                lines.extend("  " + row[0] for row in plan)
    return lines


# --------------------------------------------------------------------------- payload


def payload_sizes(engine: Engine, case: SchoolCase, today: date) -> dict[str, int]:
    """Bytes of the JSON the list sends per page: rows as dicts of PupilRow fields plus total."""

    def encoded(rows: list[dict[str, Any]], total: int) -> int:
        return len(json.dumps({"rows": rows, "total": total}, separators=(",", ":")).encode())

    sizes = {}
    for page_size in (PAGE_SIZE, MAX_PAGE_SIZE):
        with Session(engine) as session:
            page = list_pupils(
                session,
                school_id=case.school_id,
                filters=PupilFilter(),
                today=today,
                page_size=page_size,
            )
        sizes[f"page_of_{page_size}_bytes"] = encoded([asdict(r) for r in page.rows], page.total)
    # Worst case the columns allow: every text at its maximum length.
    longest = {
        "id": 2**31 - 1,
        "stamnummer": "9" * 20,
        "first_name": "x" * 100,
        "last_name": "x" * 100,
        "administrative_group": "x" * 120,
        "status": AccountStatus.GEEN_ACCOUNT.value,
        "account_type": "Gevorderd",
    }
    for page_size in (PAGE_SIZE, MAX_PAGE_SIZE):
        sizes[f"max_length_page_of_{page_size}_bytes"] = encoded([longest] * page_size, 10**6)
    return sizes


# --------------------------------------------------------------------------- report


def print_table(title: str, summaries: list[dict[str, Any]]) -> None:
    """A fixed-width table of p50/p95 per query kind."""
    print(f"\n{title}")
    header = f"{'query':<28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'matches':>13}  target"
    print(header)
    print("-" * len(header))
    for row in summaries:
        matches = (
            f"{row['matches_min']}"
            if row["matches_min"] == row["matches_max"]
            else f"{row['matches_min']}-{row['matches_max']}"
        )
        flag = "ok" if row["meets_target"] else f"MISS (p95 >= {TARGET_MS:g} ms)"
        print(
            f"{row['kind']:<28} {row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} "
            f"{row['max_ms']:>8.2f} {matches:>13}  {flag}"
        )


def save_results(backend: str, summary: dict[str, Any]) -> None:
    """Merge this backend's summary into the results JSON (one entry per backend)."""
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    existing: dict[str, Any] = {}
    if RESULTS_FILE.exists():
        try:
            existing = json.loads(RESULTS_FILE.read_text())
        except ValueError:
            existing = {}
    existing[backend] = summary
    RESULTS_FILE.write_text(json.dumps(existing, indent=2) + "\n")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pupils", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, default=500)
    parser.add_argument("--db-url", help="an EMPTY throw-away database (its tables get created)")
    parser.add_argument("--postgres", action="store_true", help="start a private PG cluster")
    parser.add_argument("--repeat", type=int, default=200, help="timed calls per query kind")
    parser.add_argument("--bench-schools", type=int, default=5, help="schools measured")
    parser.add_argument("--seed", type=int, default=20240901)
    parser.add_argument("--quick", action="store_true", help="50,000 pupils in 25 schools")
    parser.add_argument("--explain", action="store_true", help="print every query plan")
    parser.add_argument(
        "--try-index",
        "--try-sql",
        dest="try_sql",
        action="append",
        default=[],
        metavar="SQL",
        help="CREATE INDEX (or ALTER DATABASE ... SET) to apply after the baseline, "
        "then measure again (repeatable)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.pupils, args.schools = 50_000, 25
    return args


def run(engine: Engine, args: argparse.Namespace, backend: str) -> dict[str, Any]:
    """Load, measure, report; returns the JSON summary."""
    today = date.today()
    print(f"Loading {args.pupils:,} pupils into {args.schools} schools on {backend} ...")
    load_seconds, accounts = load(engine, args.pupils, args.schools, today, args.seed)
    size = database_size(engine)
    print(
        f"Loaded in {load_seconds:.1f} s ({accounts:,} LeerID accounts); "
        f"database size {size / 2**20:,.0f} MiB"
    )
    cases = pick_cases(engine, args.schools, args.bench_schools, args.seed)
    shown = ", ".join(f"#{c.school_id} ({c.level})" for c in cases[:8])
    more = f" and {len(cases) - 8} more" if len(cases) > 8 else ""
    print(
        f"Measured schools: {shown}{more}; {args.repeat} timed calls per query, "
        "fresh Session each, session open/close included"
    )
    load_before = os.getloadavg()[0]
    results = measure(engine, cases, args.repeat, today)
    load_after = os.getloadavg()[0]
    summaries = [result.summary() for result in results.values()]
    print_table(f"{backend}: {args.pupils:,} pupils, {args.schools} schools", summaries)
    cores = os.cpu_count() or 1
    print(
        f"(1-min load average {load_before:.2f} -> {load_after:.2f} on {cores} CPUs; this "
        "benchmark accounts for about 1, anything above means competing processes)"
    )

    plans: dict[str, list[str]] = {}
    for row in summaries:
        if args.explain or not row["meets_target"]:
            plans[row["kind"]] = explain(engine, row["kind"], cases[0])
    for kind, lines in plans.items():
        print(f"\nPlan for {kind!r}:")
        print("\n".join(lines))

    experiments = []
    if args.try_sql:
        with engine.begin() as conn:
            for statement in args.try_sql:
                conn.exec_driver_sql(statement)
            conn.exec_driver_sql("ANALYZE")
        engine.dispose()  # new connections pick up per-database settings
        after = [r.summary() for r in measure(engine, cases, args.repeat, today).values()]
        print_table("After " + "; ".join(args.try_sql), after)
        for before_row, after_row in zip(summaries, after, strict=True):
            experiments.append(
                {
                    "kind": before_row["kind"],
                    "p95_before_ms": before_row["p95_ms"],
                    "p95_after_ms": after_row["p95_ms"],
                }
            )
        for kind in plans:
            print(f"\nPlan for {kind!r} after the tried SQL:")
            print("\n".join(explain(engine, kind, cases[0])))

    payload = payload_sizes(engine, cases[0], today)
    print("\nState update per page (JSON of PupilRow dicts + total):")
    for name, value in payload.items():
        flag = "ok" if value < PAYLOAD_TARGET_BYTES else "OVER 100 KB"
        print(f"  {name:<32} {value:>9,} bytes  {flag}")
    misses = [row["kind"] for row in summaries if not row["meets_target"]]
    print(
        f"\n{len(summaries) - len(misses)}/{len(summaries)} query kinds meet p95 < "
        f"{TARGET_MS:g} ms" + (f"; missing: {', '.join(misses)}" if misses else "")
    )
    return {
        "backend": backend,
        "sqlite_version": sqlite3.sqlite_version if backend == "sqlite" else None,
        "pupils": args.pupils,
        "schools": args.schools,
        "leerid_accounts": accounts,
        "measured_schools": [asdict(case) for case in cases],
        "repeat": args.repeat,
        "load_seconds": round(load_seconds, 1),
        "db_size_bytes": size,
        "target_ms": TARGET_MS,
        "load_average_before_after": [round(load_before, 2), round(load_after, 2)],
        "cpus": os.cpu_count(),
        "queries": summaries,
        "payload": payload,
        "plans_of_misses": plans,
        "tried_sql": args.try_sql,
        "experiments": experiments,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Build the throw-away database, run the benchmark, always clean up."""
    args = parse_args(argv)
    folder: Path | None = None
    cluster = None
    try:
        if args.postgres:
            from tests.pg_cluster import start_cluster

            cluster = start_cluster()
            db_url = cluster.url
        elif args.db_url:
            db_url = args.db_url
        else:
            folder = Path(tempfile.mkdtemp(prefix="leerid-bench-"))
            db_url = f"sqlite:///{folder / 'bench.db'}"
        engine = make_engine(db_url)
        try:
            backend = engine.dialect.name
            save_results(backend, run(engine, args, backend))
            print("Results saved to benchmarks/results/list_queries.json")
        finally:
            engine.dispose()
    finally:
        if cluster is not None:
            cluster.stop()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
