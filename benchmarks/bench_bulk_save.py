"""Times only the bulk save step (inside the write lock): renewal and activation, N accounts."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlmodel import SQLModel

from benchmarks.bench_bulk import DUMMY_HASH, build_database, plan
from leerid_app.db import make_engine
from leerid_app.services import bulk
from leerid_app.services.bulk import PlannedPassword


def timed_save(fx, mode: str, items: list[PlannedPassword]) -> float:
    """One save in its own transaction, from BEGIN (the write lock) to COMMIT."""
    save = bulk.save_renewal if mode == "renewal" else bulk.save_activation
    hashes = [DUMMY_HASH] * len(items)
    from sqlmodel import Session

    start = time.perf_counter()
    with Session(fx.engine, expire_on_commit=False) as session:
        with session.begin_nested():
            save(
                session,
                school_id=fx.school_a,
                planned=items,
                password_hashes=hashes,
                actor=fx.actor,
            )
        session.commit()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=3_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db-url", default=None, help="an EMPTY throw-away database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = make_engine(url)
        if args.db_url:
            SQLModel.metadata.drop_all(engine)
        chunks = {f"round-{n}": args.size for n in range(args.rounds)}
        fx = build_database(
            engine, accounts=args.size, activation_chunks=chunks, other=1_000, seed=1
        )
        renewal, activation = [], []
        for round_no in range(args.rounds):
            items, _, _ = plan(fx, "renewal", args.size)
            renewal.append(timed_save(fx, "renewal", items))
            items, _, _ = plan(fx, "activation", args.size, f"round-{round_no}")
            activation.append(timed_save(fx, "activation", items))
        print(
            f"{engine.dialect.name} N={args.size}: "
            f"renewal save median {statistics.median(renewal):.3f} s {renewal!r}; "
            f"activation save median {statistics.median(activation):.3f} s {activation!r}"
        )
        if args.db_url:
            SQLModel.metadata.drop_all(engine)
        engine.dispose()


if __name__ == "__main__":
    main()
