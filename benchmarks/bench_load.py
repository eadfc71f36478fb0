"""Other administrators' clicks while bulk renewals run, measured through the app's websocket.

N administrators, each on a school of their own, click through list pages, searches, sorting,
filters and pupil details as real events over the websocket (the protocol client in
``benchmarks/loadgen``), while K administrators each renew every password of a school of
3,000 pupils and download the PDF and the Excel. Against one worker on SQLite (the single
machine) and three workers on PostgreSQL + Redis (the scaled-out setup). Reported per action:
p50/p95/max from the event sent to the update that answers it, the errors, and each bulk run
against the hashing bound (accounts × one argon2id hash ÷ cores, measured in the same run).

    python -m benchmarks.bench_load                      # both setups, defaults below
    python -m benchmarks.bench_load --setup 1:sqlite --admins 2 --bulk-pupils 500
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import time
from pathlib import Path
from typing import Any

from sqlmodel import create_engine

from benchmarks import data
from benchmarks.hashing_bound import one_hash_seconds
from benchmarks.loadgen import report, scenario, stack
from leerid_app.migrations import upgrade_to_head
from leerid_app.services.hashing import make_password_hashing
from leerid_app.settings import Settings

ADMIN_PASSWORD = "Bench-Beheerder-2026!"
RESULTS_FILE = Path(__file__).resolve().parent / "results" / "load.json"


def build(db_url: str, pepper: str, *, admins: int, bulk: int, pupils: int, bulk_pupils: int):
    """Clicking administrators with a school each, bulk administrators with a big school each."""
    engine = create_engine(db_url)
    upgrade_to_head(engine)
    password_hash = make_password_hashing(Settings(pepper=pepper)).hash(ADMIN_PASSWORD)
    rng, taken = random.Random(7), {}
    clickers, bulkers = [], []
    with engine.begin() as conn:
        for i in range(admins):
            school, _ = data.add_school(
                conn, f"LOAD - School {i + 1}", with_account=pupils, without_account=pupils // 20,
                prefix=f"C{i}", rng=rng, taken=taken,
            )  # fmt: skip
            data.add_administrator(conn, f"klikker{i + 1}", password_hash, [school])
            clickers.append((f"klikker{i + 1}", ADMIN_PASSWORD))
        for i in range(bulk):
            school, _ = data.add_school(
                conn, f"LOAD - Bulk {i + 1}", with_account=bulk_pupils, prefix=f"B{i}",
                rng=rng, taken=taken,
            )  # fmt: skip
            data.add_administrator(conn, f"bulk{i + 1}", password_hash, [school])
            bulkers.append((f"bulk{i + 1}", ADMIN_PASSWORD))
        data.analyze(conn)
    engine.dispose()
    return clickers, bulkers


def run_setup(setup: str, args: argparse.Namespace) -> dict[str, Any]:
    """Build, start, load, measure and stop one setup (``<workers>:<sqlite|postgres>``)."""
    workers_text, _, kind = setup.partition(":")
    workers = int(workers_text)
    pepper = secrets.token_hex(32)
    hashing = make_password_hashing(Settings(pepper=pepper))
    with stack.temporary_folder() as folder, stack.database(kind or "sqlite", folder) as db_url:
        print(f"[{setup}] building {args.admins} + {args.bulk} schools ...", flush=True)
        clickers, bulkers = build(
            db_url, pepper, admins=args.admins, bulk=args.bulk,
            pupils=args.pupils, bulk_pupils=args.bulk_pupils,
        )  # fmt: skip
        hash_before = one_hash_seconds(hashing)
        with (
            stack.redis_for(workers, folder) as redis_url,
            stack.app_server(
                folder, db_url, pepper, workers=workers, redis_url=redis_url
            ) as base_url,
        ):
            print(f"[{setup}] app on {base_url}; loading ...", flush=True)
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            recorder = asyncio.run(
                scenario.run_load(
                    base_url, clickers, bulkers,
                    baseline_s=args.baseline, min_s=args.baseline * 2, think=args.think,
                    reading_s=args.reading,
                )
            )  # fmt: skip
            wall = time.perf_counter() - wall_start
            generator_cores = (time.process_time() - cpu_start) / wall
        hash_after = one_hash_seconds(hashing)
    figures = report.summarise(
        recorder, scenario.CLICKS, scenario.BULK_STEPS, (hash_before + hash_after) / 2
    )
    figures["setup"] = {
        "workers": workers, "database": kind, "redis": workers > 1,
        "clicking_admins": args.admins, "bulk_runs": args.bulk,
        "bulk_pupils": args.bulk_pupils, "think_s": args.think, "reading_s": args.reading,
        "generator_cores": round(generator_cores, 2), "wall_s": round(wall, 1),
    }  # fmt: skip
    return figures


def main(argv: list[str] | None = None) -> None:
    """Run every setup asked for, print the tables, keep the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="append", help="workers:database, e.g. 3:postgres")
    parser.add_argument("--admins", type=int, default=4, help="clicking administrators")
    parser.add_argument("--bulk", type=int, default=1, help="bulk renewals at once")
    parser.add_argument("--pupils", type=int, default=1000, help="pupils per clicker's school")
    parser.add_argument("--bulk-pupils", type=int, default=3000, help="accounts per bulk run")
    parser.add_argument("--baseline", type=float, default=5.0, help="seconds before bulk")
    parser.add_argument("--think", type=float, default=0.1, help="seconds between clicks")
    parser.add_argument(
        "--reading", type=float, default=0.0, help="seconds the bulk plan is read before saving"
    )
    args = parser.parse_args(argv)
    results = {}
    for setup in args.setup or ["1:sqlite", "3:postgres"]:
        figures = run_setup(setup, args)
        results[setup] = figures
        workers = figures["setup"]["workers"]
        title = f"{workers} worker{'s' if workers > 1 else ''}, {figures['setup']['database']}"
        print(report.render(title + (" + Redis" if workers > 1 else ""), figures), flush=True)
    RESULTS_FILE.parent.mkdir(exist_ok=True)
    RESULTS_FILE.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
