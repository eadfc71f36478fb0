"""Test morning: N pupils log in to the Leerlingloket over the running app's own websocket.

The app runs as `make run` runs it (``reflex run --env prod``, backend only: no browser is
involved) on a private SQLite database holding one secondary school of N pupils with known
passwords. Each simulated pupil opens a fresh websocket (a new browser tab), sends the login
form's event exactly as the page does, and waits for the answer. Arrivals are spread evenly
over the target window (open loop), so a slow server shows up as latency, not as a slower
generator. Reported: how many logins were answered (and how many logged in), p50/p95/max
latency, the wall time, and the hashing lower bound (N × one argon2id verification ÷ cores)
measured in the same run.

    python -m benchmarks.bench_pupil_logins --pupils 3000 --window 60
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import websocket
from reflex_base.constants import Reflex
from sqlalchemy import insert
from sqlmodel import Session, select

from benchmarks.loadgen import stack
from leerid_app import routes
from leerid_app.db import make_engine
from leerid_app.migrations import upgrade_to_head
from leerid_app.models import (
    AccountType,
    EducationLevel,
    LeerIDAccount,
    PasswordType,
    Pupil,
    School,
)
from leerid_app.portal.state.portal import PortalState
from leerid_app.services.hashing import make_password_hashing
from leerid_app.settings import Settings

TARGET_P95_SECONDS = 1.0
ANSWER_TIMEOUT_SECONDS = 60
# The pupils' shared benchmark password; one hash serves them all (a verification costs the
# same whatever the salt), so building the database does not take N hashes.
PASSWORD = "Bench-Fiets-Wolk-2026"


@dataclass
class Outcome:
    """One simulated pupil's login."""

    answered: bool
    logged_in: bool
    latency: float  # from sending the event to the final answer (seconds)
    connect: float  # opening the websocket (seconds)
    error: str = ""


def build_database(db_url: str, pupils: int, pepper: str) -> None:
    """A secondary school of ``pupils`` pupils with advanced accounts and known passwords."""
    engine = make_engine(db_url)
    upgrade_to_head(engine)
    hashing = make_password_hashing(Settings(pepper=pepper))
    password_hash = hashing.hash(PASSWORD)
    now = datetime.now(UTC)
    end = date(now.year + 1, 8, 31)
    with Session(engine) as session:
        school = School(name="BENCH - Testochtend Secundair")
        session.add(school)
        session.flush()
        pupil_rows = [
            {
                "school_id": school.id,
                "stamnummer": f"{i:06d}",
                "first_name": f"Leerling{i}",
                "last_name": "Bench",
                "administrative_group": f"{1 + i % 6}e jaar",
                "education_level": EducationLevel.SECUNDAIR,
                "enrollment_end": end,
                "search_text": f"{i:06d} leerling{i} bench",
                "sort_key": f"bench leerling{i:06d}",
            }
            for i in range(pupils)
        ]
        session.execute(insert(Pupil), pupil_rows)
        ids = list(session.exec(select(Pupil.id).order_by(Pupil.id)).all())
        session.execute(
            insert(LeerIDAccount),
            [
                {
                    "pupil_id": pupil_id,
                    "account_type": AccountType.GEVORDERD,
                    "username": f"leerling{i:06d}.bench",
                    "password_hash": password_hash,
                    "password_type": PasswordType.EIGEN,
                    "must_change_password": False,
                    "created_at": now - timedelta(days=30),
                }
                for i, pupil_id in enumerate(ids)
            ],
        )
        session.commit()
    engine.dispose()


def measure_hash(pepper: str, samples: int = 20) -> float:
    """Seconds of one argon2id verification with the app's parameters (median)."""
    hashing = make_password_hashing(Settings(pepper=pepper))
    stored = hashing.hash(PASSWORD)
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        hashing.verify(stored, PASSWORD)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


LOGIN_HANDLER = f"{PortalState.get_full_name()}.log_in"
REFUSED = re.compile(r'"login_error_rx_state_":"([^"]+)"')


def one_login(port: int, username: str) -> Outcome:
    """One pupil: a fresh websocket, the login form's event, the answer."""
    started = time.perf_counter()
    url = f"ws://127.0.0.1:{port}/_event/?EIO=4&transport=websocket&token={uuid.uuid4()}"
    try:
        ws = websocket.create_connection(
            url, subprotocols=[Reflex.VERSION], timeout=ANSWER_TIMEOUT_SECONDS
        )
    except (OSError, websocket.WebSocketException) as error:
        return Outcome(False, False, 0.0, time.perf_counter() - started, repr(error))
    try:
        ws.recv()  # the engine.io open packet
        ws.send("40/_event,")
        connected = time.perf_counter()
        event = {
            "name": LOGIN_HANDLER,
            "payload": {"form_data": {"username": username, "password": PASSWORD}},
            "router_data": {
                "pathname": routes.PORTAL_LOGIN,
                "asPath": routes.PORTAL_LOGIN,
                "query": {},
            },
        }
        ws.send("42/_event," + json.dumps(["event", event]))
        sent = time.perf_counter()
        while True:
            message = ws.recv()
            if message == "2":
                ws.send("3")
                continue
            if not message.startswith("42/_event,"):
                continue
            # Logged in: a redirect to the account (or the must-choose page) arrives; refused:
            # the state's login_error gets a message.
            if '"_redirect"' in message:
                ok = routes.PORTAL_ACCOUNT in message or routes.PORTAL_CHOOSE_PASSWORD in message
                return Outcome(True, ok, time.perf_counter() - sent, connected - started)
            refused = REFUSED.search(message)
            if refused:
                return Outcome(
                    True, False, time.perf_counter() - sent, connected - started, refused.group(1)
                )
    except (OSError, websocket.WebSocketException) as error:
        return Outcome(False, False, time.perf_counter() - started, 0.0, repr(error))
    finally:
        ws.close()


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def run_load(
    port: int, pupils: int, window: float, concurrency: int
) -> tuple[list[Outcome], float]:
    """Open-loop arrivals spread evenly over ``window`` seconds."""
    usernames = [f"leerling{i:06d}.bench" for i in range(pupils)]
    interval = window / pupils
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    begin = time.perf_counter()

    def arrive(index: int) -> None:
        delay = begin + index * interval - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        outcome = one_login(port, usernames[index])
        with lock:
            outcomes.append(outcome)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(arrive, range(pupils)))
    return outcomes, time.perf_counter() - begin


def report(outcomes: list[Outcome], wall: float, pupils: int, window: float, one_hash: float):
    """Print the figures; returns them as a dict too."""
    cores = os.cpu_count() or 1
    answered = [o for o in outcomes if o.answered]
    latencies = [o.latency for o in answered]
    figures = {
        "pupils": pupils,
        "window_s": window,
        "wall_s": round(wall, 1),
        "answered": len(answered),
        "not_answered": pupils - len(answered),
        "logged_in": sum(o.logged_in for o in outcomes),
        "p50_ms": round(percentile(latencies, 50) * 1000),
        "p95_ms": round(percentile(latencies, 95) * 1000),
        "max_ms": round(max(latencies, default=float("nan")) * 1000),
        "connect_p95_ms": round(percentile([o.connect for o in answered], 95) * 1000),
        "one_hash_ms": round(one_hash * 1000, 1),
        "hashing_lower_bound_s": round(pupils * one_hash / cores, 1),
        "cores": cores,
    }
    errors = sorted({o.error for o in outcomes if o.error})[:3]
    print(json.dumps(figures, indent=2))
    if errors:
        print("errors (first kinds):", errors)
    verdict = (
        figures["not_answered"] == 0
        and figures["logged_in"] == pupils
        and wall <= window * 1.05 + 5
        and figures["p95_ms"] < TARGET_P95_SECONDS * 1000
    )
    print(
        f"Target (SPEC, Test morning): {pupils} logins within {window:.0f} s, every login "
        f"answered, p95 < {TARGET_P95_SECONDS:.0f} s: {'MET' if verdict else 'NOT MET'}"
    )
    return figures


def main(argv: list[str] | None = None) -> None:
    """Build, start, load, report, clean up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=3000)
    parser.add_argument("--window", type=float, default=60.0, help="seconds to spread arrivals")
    parser.add_argument("--concurrency", type=int, default=300, help="client threads")
    args = parser.parse_args(argv)

    pepper = secrets.token_hex(32)
    with stack.temporary_folder() as folder:
        db_url = f"sqlite:///{folder / 'bench.db'}"
        print(f"Building a school of {args.pupils} pupils ...")
        build_database(db_url, args.pupils, pepper)
        one_hash = measure_hash(pepper)
        with stack.app_server(folder, db_url, pepper, workers=1, redis_url=None) as base_url:
            port = int(base_url.rsplit(":", 1)[1])
            print(f"The app (prod backend) on port {port} ...")
            one_login(port, "leerling000000.bench")  # warm-up: imports, first connection
            print(f"{args.pupils} logins spread over {args.window:.0f} s ...")
            outcomes, wall = run_load(port, args.pupils, args.window, args.concurrency)
        one_hash_after = measure_hash(pepper)
        report(
            outcomes, wall, args.pupils, args.window, statistics.mean([one_hash, one_hash_after])
        )


if __name__ == "__main__":
    main()
