"""Times the Overzicht and `Klaar voor de toets?` for 3,000-pupil schools among 1,000,000 pupils.

Reuses the list benchmark's generator (333 schools of about 3,000 pupils), adds 30 days of
pupil login events for the measured schools, then times every query the two pages run, each
in a fresh Session as a handler would (p50/p95/max, target p95 < 100 ms):
``python -m benchmarks.bench_readiness [--postgres] [--quick]``.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, insert, select
from sqlmodel import Session

from benchmarks.bench_list_queries import load
from leerid_app.db import make_engine
from leerid_app.models import AuditEvent, Pupil
from leerid_app.services.audit import PUPIL_ACTOR, AuditAction
from leerid_app.services.readiness import (
    Scope,
    check_readiness,
    fix_targets,
    group_overview,
    logins_per_day,
)

TARGET_MS = 100.0
LOGINS_PER_PUPIL = 10  # over 30 days: a few a week during lessons


def add_login_events(engine: Engine, school_ids: Sequence[int], today: date, seed: int) -> int:
    """Pupil login events of the last 30 days for the measured schools; returns how many."""
    rng = random.Random(seed)
    start = datetime.combine(today - timedelta(days=29), datetime.min.time(), tzinfo=UTC)
    rows = []
    with Session(engine) as session:
        for school_id in school_ids:
            pupil_ids = session.execute(select(Pupil.id).where(Pupil.school_id == school_id))
            for (pupil_id,) in pupil_ids:
                for _ in range(rng.randint(0, 2 * LOGINS_PER_PUPIL)):
                    rows.append(
                        {
                            "occurred_at": start + timedelta(minutes=rng.randint(0, 30 * 1440)),
                            "actor_administrator_id": None,
                            "actor_username": PUPIL_ACTOR,
                            "school_id": school_id,
                            "pupil_id": pupil_id,
                            "action": AuditAction.PUPIL_LOGIN.value,
                            "details": "",
                        }
                    )
    with engine.begin() as connection:
        for offset in range(0, len(rows), 10_000):
            connection.execute(insert(AuditEvent.__table__), rows[offset : offset + 10_000])
    # As autovacuum would on a live server: PostgreSQL answers from the index alone only for
    # pages its visibility map marks all-visible.
    maintenance = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(maintenance)
    return len(rows)


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(
    engine: Engine, schools: Sequence[int], today: date, repeat: int
) -> list[tuple[str, float, float, float]]:
    """p50, p95 and max in ms per query kind, cycling over the schools."""
    everyone = {}
    with Session(engine) as session:
        for school_id in schools:
            groups = session.execute(
                select(Pupil.administrative_group).where(Pupil.school_id == school_id).distinct()
            ).scalars()
            everyone[school_id] = Scope.of(groups=list(groups))
    calls: list[tuple[str, Callable[[Session, int], object]]] = [
        ("Overzicht: counts per group", lambda s, i: group_overview(s, school_id=i, today=today)),
        ("Overzicht: logins per day", lambda s, i: logins_per_day(s, school_id=i, today=today)),
        (
            "Klaar voor de toets? whole school",
            lambda s, i: check_readiness(s, school_id=i, scope=everyone[i], today=today),
        ),
        (
            "Klaar voor de toets? one group",
            lambda s, i: check_readiness(
                s, school_id=i, scope=Scope.of(groups=everyone[i].groups[:1]), today=today
            ),
        ),
        (
            "fix targets whole school",
            lambda s, i: fix_targets(s, school_id=i, scope=everyone[i], today=today),
        ),
    ]
    results = []
    for kind, call in calls:
        samples = []
        for index in range(repeat):
            school_id = schools[index % len(schools)]
            started = time.perf_counter()
            with Session(engine) as session:
                call(session, school_id)
            samples.append((time.perf_counter() - started) * 1000)
        results.append((kind, percentile(samples, 0.5), percentile(samples, 0.95), max(samples)))
    return results


def main(argv: Sequence[str] | None = None) -> None:
    """Build a throw-away database, measure, print, clean up."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pupils", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, default=333)
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--bench-schools", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240901)
    parser.add_argument("--postgres", action="store_true", help="start a private PG cluster")
    parser.add_argument("--quick", action="store_true", help="60,000 pupils in 20 schools")
    args = parser.parse_args(argv)
    if args.quick:
        args.pupils, args.schools = 60_000, 20
    folder = cluster = None
    try:
        if args.postgres:
            from tests.pg_cluster import start_cluster

            cluster = start_cluster()
            db_url = cluster.url
        else:
            folder = Path(tempfile.mkdtemp(prefix="leerid-bench-"))
            db_url = f"sqlite:///{folder / 'bench.db'}"
        engine = make_engine(db_url)
        today = date.today()
        backend = engine.dialect.name
        print(f"Loading {args.pupils:,} pupils into {args.schools} schools on {backend} ...")
        seconds, accounts = load(engine, args.pupils, args.schools, today, args.seed)
        schools = random.Random(args.seed).sample(range(1, args.schools + 1), args.bench_schools)
        events = add_login_events(engine, schools, today, args.seed)
        with Session(engine) as session:
            sizes = [
                session.execute(select(func.count(Pupil.id)).where(Pupil.school_id == i)).scalar()
                for i in schools
            ]
        print(
            f"Loaded in {seconds:.0f} s ({accounts:,} accounts); measured schools {schools} "
            f"with {sizes} pupils and {events:,} login events; {args.repeat} calls per query"
        )
        results = measure(engine, schools, today, args.repeat)
        print(f"\n{'query':<38} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for kind, p50, p95, worst in results:
            flag = "ok" if p95 < TARGET_MS else "OVER TARGET"
            print(f"{kind:<38} {p50:8.2f} {p95:8.2f} {worst:8.2f}  {flag}")
        print(f"(1-min load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)")
        engine.dispose()
    finally:
        if cluster is not None:
            cluster.stop()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
