"""The import fuzz at length: python -m benchmarks.fuzz_import [--files N] [--seed S].

tests/services/test_import_fuzz.py feeds 1,000 malformed exports on every test run; this feeds
many more (20,000 by default, a few minutes) with another seed each run, and prints the seed
so that a failure can be replayed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session, SQLModel

from leerid_app.db import make_engine
from tests.services.factories import add_pupil, add_school
from tests.services.test_import_fuzz import fuzz


def main(argv: Sequence[str] | None = None) -> None:
    """Run the fuzz on a throw-away SQLite database."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=random.SystemRandom().randrange(10**9))
    args = parser.parse_args(argv)
    print(f"Fuzzing the import with {args.files} files, seed {args.seed}", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="leerid-fuzz-"))
    engine = make_engine(f"sqlite:///{folder / 'fuzz.db'}")
    try:
        SQLModel.metadata.create_all(engine)
        with Session(engine) as session:
            school = add_school(session, "Fuzz")
            add_pupil(session, school, "00123", "Emma", "Peeters")
            session.commit()
            assert school.id is not None
            start = time.monotonic()
            outcomes = fuzz(session, school.id, args.files, seed=args.seed)
        print(f"{outcomes} in {time.monotonic() - start:.1f} s: every file handled")
    finally:
        engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
