"""Times the import's preview and apply of 3,000 and 30,000 rows: make bench, or this module.

Two cases per size, on a throw-away database (SQLite by default, ``--postgres`` starts a private
cluster): the first import of a school (every row new) and a nightly import into a school that
has every pupil already (2 % changed, 1 % new, 1 % gone). Preview = read and check the file, then
compare it with the school (what the page shows after the upload); apply = the confirmed import
in one transaction, commit included. Targets (SPEC.md): preview of 3,000 rows < 2 s, apply < 5 s.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert
from sqlmodel import Session, SQLModel

from leerid_app.db import make_engine
from leerid_app.models import EducationLevel, Pupil, School
from leerid_app.services.accounts import Actor
from leerid_app.services.imports import apply_import, build_plan, read_file
from leerid_app.services.imports.sample import insz_for
from leerid_app.services.pupils import pupil_search_keys
from tests.services.import_files import csv_bytes, xlsx_bytes

SIZES = (3_000, 30_000)
TODAY = date(2026, 12, 3)
PREVIEW_TARGET_S, APPLY_TARGET_S = 2.0, 5.0
RESULTS_FILE = Path(__file__).resolve().parent / "results" / "import.json"
HEADER = [
    "Stamnummer",
    "Voornaam",
    "Naam",
    "Klas",
    "Geslacht",
    "Geboortedatum",
    "Rijksregisternummer",
    "Onderwijsniveau",
]
FIRST = ["Emma", "Noah", "Zoë", "Şükrü", "Amani", "Pieter-Alexander", "Yasmine", "Łukasz"]
LAST = ["Peeters", "Janssens", "El Amrani", "Wiśniewski", "Yılmaz", "Van den Bossche"]
GROUPS = [f"{year}e lj {grade}e gr Wetenschappen ASO" for year in (1, 2) for grade in (1, 2, 3)]


def export_rows(count: int, seed: int) -> list[list[str]]:
    """``count`` plausible, valid secondary-school rows."""
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        birth = date(2008 + rng.randrange(6), 1 + rng.randrange(12), 1 + rng.randrange(28))
        rows.append(
            [
                f"{index:06d}",
                rng.choice(FIRST),
                rng.choice(LAST),
                rng.choice(GROUPS),
                rng.choice("MV"),
                f"{birth:%d/%m/%Y}",
                insz_for(birth, 1 + rng.randrange(997)),
                "Secundair",
            ]
        )
    return rows


def seed_school(engine: Engine, rows: list[list[str]]) -> int:
    """A school whose pupils are exactly these rows."""
    with Session(engine) as session:
        school = School(name=f"Benchmark {len(rows)}")
        session.add(school)
        session.flush()
        values = []
        for stamnummer, first, last, group, gender, birth, insz, _level in rows:
            search_text, sort_key = pupil_search_keys(stamnummer, first, last)
            day, month, year = (int(part) for part in birth.split("/"))
            values.append(
                {
                    "school_id": school.id,
                    "stamnummer": stamnummer,
                    "first_name": first,
                    "last_name": last,
                    "administrative_group": group,
                    "education_level": EducationLevel.SECUNDAIR,
                    "enrollment_end": date(2027, 8, 31),
                    "gender": gender,
                    "birth_date": date(year, month, day),
                    "insz": insz,
                    "search_text": search_text,
                    "sort_key": sort_key,
                }
            )
        session.execute(insert(Pupil), values)
        session.commit()
        assert school.id is not None
        return school.id


def nightly(rows: list[list[str]]) -> list[list[str]]:
    """The next night's export: 2 % moved to another group, 1 % gone, 1 % new."""
    rng = random.Random(len(rows))
    changed = [list(row) for row in rows]
    for row in rng.sample(changed, len(rows) // 50):
        row[3] = rng.choice([group for group in GROUPS if group != row[3]])
    gone = set(rng.sample(range(len(rows)), len(rows) // 100))
    kept = [row for index, row in enumerate(changed) if index not in gone]
    new = export_rows(len(rows) // 100, seed=7)
    for index, row in enumerate(new):
        row[0] = f"N{index:06d}"
    return kept + new


def measure(engine: Engine, school_id: int, data: bytes) -> dict[str, Any]:
    """Preview then apply one file, timed separately."""
    with Session(engine, expire_on_commit=False) as session:
        start = time.perf_counter()
        imported = read_file(data, today=TODAY)
        read_s = time.perf_counter() - start
        plan = build_plan(session, school_id=school_id, import_file=imported, today=TODAY)
        preview_s = time.perf_counter() - start
        session.rollback()
        start = time.perf_counter()
        result = apply_import(
            session,
            school_id=school_id,
            import_file=imported,
            today=TODAY,
            only_valid=False,
            confirmed_signature=plan.signature,
            actor=Actor(None, "benchmark"),
        )
        session.commit()
        apply_s = time.perf_counter() - start
    return {
        "read_s": round(read_s, 3),
        "preview_s": round(preview_s, 3),
        "apply_s": round(apply_s, 3),
        "counts": {
            "new": result.new,
            "changed": result.changed,
            "ended": result.ended,
            "unchanged": result.unchanged,
        },
    }


def run(engine: Engine, sizes: Sequence[int]) -> list[dict[str, Any]]:
    """Every size: first import (CSV and Excel) and a nightly CSV import."""
    SQLModel.metadata.create_all(engine)
    results = []
    for size in sizes:
        rows = export_rows(size, seed=size)
        for kind, data in (
            ("first import, CSV", csv_bytes(rows, HEADER)),
            ("first import, Excel", xlsx_bytes(rows, HEADER)),
        ):
            with Session(engine) as session:
                school = School(name=f"Leeg {size} {kind}")
                session.add(school)
                session.commit()
                school_id = school.id
            assert school_id is not None
            results.append({"rows": size, "case": kind, **measure(engine, school_id, data)})
            print(_line(results[-1]), flush=True)
        school_id = seed_school(engine, rows)
        data = csv_bytes(nightly(rows), HEADER)
        results.append({"rows": size, "case": "nightly, CSV", **measure(engine, school_id, data)})
        print(_line(results[-1]), flush=True)
    return results


def _line(result: dict[str, Any]) -> str:
    target = ""
    if result["rows"] == 3_000:
        ok = result["preview_s"] < PREVIEW_TARGET_S and result["apply_s"] < APPLY_TARGET_S
        target = "  (targets met)" if ok else "  (TARGET MISSED)"
    return (
        f"{result['rows']:>6} rows, {result['case']:<20} preview {result['preview_s']:6.2f} s "
        f"(reading {result['read_s']:.2f} s)   apply {result['apply_s']:6.2f} s   "
        f"{result['counts']}{target}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Build a throw-away database, run, save the figures, clean up."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", action="store_true", help="start a private PG cluster")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="leerid-bench-import-"))
    cluster = None
    try:
        if args.postgres:
            from tests.pg_cluster import start_cluster

            cluster = start_cluster()
            db_url = cluster.url
        else:
            db_url = f"sqlite:///{folder / 'bench.db'}"
        engine = make_engine(db_url)
        try:
            results = run(engine, args.sizes)
            backend = engine.dialect.name
        finally:
            engine.dispose()
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
    RESULTS_FILE.parent.mkdir(exist_ok=True)
    saved = json.loads(RESULTS_FILE.read_text()) if RESULTS_FILE.exists() else {}
    saved[backend] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "results": results,
    }
    RESULTS_FILE.write_text(json.dumps(saved, indent=2))
    print(f"Results saved to {RESULTS_FILE.relative_to(Path.cwd())}")


if __name__ == "__main__":
    main()
