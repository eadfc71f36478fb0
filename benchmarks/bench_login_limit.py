"""Unauthenticated login work per second, with and without the global limit.

python -m benchmarks.bench_login_limit: threads fire logins with fresh names (each one a new
throttle row, an audit row and an argon2 verification) for a few seconds, first with the
limit off, then with the configured limit; prints attempts that did that work per second.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
import uuid
from pathlib import Path

os.environ.setdefault("LEERID_PEPPER", "benchmark-pepper-not-for-production-0123")

from sqlmodel import Session, SQLModel

from leerid_app.db import make_engine
from leerid_app.services import auth
from leerid_app.services.identity import throttle
from leerid_app.settings import get_settings

SECONDS = 5.0
THREADS = 4


def _flood(engine, seconds: float) -> tuple[int, int]:
    worked = refused = 0
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def attacker(number: int) -> None:
        nonlocal worked, refused
        client = auth.client_of("x", "", f"10.0.0.{number}")
        while time.monotonic() < end:
            with Session(engine) as session:
                result = auth.authenticate(
                    session, f"naam-{uuid.uuid4().hex[:10]}", "raden", client=client
                )
                session.commit()
            with lock:
                if result.error == auth.texts.LOGIN_BUSY:
                    refused += 1
                else:
                    worked += 1

    threads = [threading.Thread(target=attacker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return worked, refused


def main() -> None:
    """Run both floods and print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        SQLModel.metadata.create_all(engine)
        throttle._work_limit = throttle.WorkLimit(1_000_000)
        worked, _ = _flood(engine, SECONDS)
        print(f"without the limit: {worked / SECONDS:.1f} logins with argon2 work per second")
        per_second = get_settings().login_work_per_second
        throttle._work_limit = throttle.WorkLimit(per_second)
        worked, refused = _flood(engine, SECONDS)
        print(
            f"with the limit ({per_second}/s): {worked / SECONDS:.1f} logins with work per second, "
            f"{refused / SECONDS:.0f} refused per second before any write or hash"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
