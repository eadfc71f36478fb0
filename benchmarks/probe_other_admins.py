"""Another administrator's clicks, timed over the running app's websocket during a bulk run.

The app runs as in production (``reflex run --env prod``, backend only) on its own SQLite or
PostgreSQL database with a school of N pupils that all have a LeerID. Administrator A logs in
over the websocket, selects the whole school, opens `Bulk: genereer nieuw wachtwoord`, clicks
`Bewaren en afdrukken` and downloads the PDF and the Excel, exactly as the page sends those
events. Meanwhile administrator B (another school) pages through the pupil list every
``--interval`` seconds; each click is timed from sending the event to its state update, and
labelled with what A was doing then. A small probe until the full load generator lands.

    python -m benchmarks.probe_other_admins --pupils 3000
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import statistics
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import websocket
from sqlalchemy import insert
from sqlmodel import Session, select

from benchmarks.bench_pupil_logins import REFLEX_VERSION, start_app, stop_app
from leerid_app import routes
from leerid_app.db import make_engine
from leerid_app.migrations import upgrade_to_head
from leerid_app.models import (
    AccountType,
    Administrator,
    AdministratorSchool,
    EducationLevel,
    LeerIDAccount,
    PasswordType,
    Pupil,
    School,
)
from leerid_app.services.hashing import make_password_hashing
from leerid_app.settings import Settings
from leerid_app.state.auth import AuthState
from leerid_app.state.bulk import BulkState
from leerid_app.state.pupils import PupilListState

ADMIN_PASSWORD = "Bench-Beheerder-2026"
DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$" + "A" * 43
TARGET_MAX_MS = 100.0
ANSWER_TIMEOUT = 300.0


def build_database(db_url: str, pupils: int, pepper: str) -> None:
    """School A with ``pupils`` basic accounts, school B with 500, one administrator each."""
    engine = make_engine(db_url)
    upgrade_to_head(engine)
    admin_hash = make_password_hashing(Settings(pepper=pepper)).hash(ADMIN_PASSWORD)
    now = datetime.now(UTC)
    end = date(now.year + 1, 8, 31)
    with Session(engine) as session:
        for tag, size in (("a", pupils), ("b", 500)):
            school = School(name=f"BENCH - School {tag.upper()}")
            admin = Administrator(
                username=f"bench.{tag}",
                display_name=f"Bench {tag}",
                password_hash=admin_hash,
                is_active=True,
                created_at=now,
            )
            session.add_all([school, admin])
            session.flush()
            session.add(AdministratorSchool(administrator_id=admin.id, school_id=school.id))
            rows = [
                {
                    "school_id": school.id,
                    "stamnummer": f"{tag}{i:06d}",
                    "first_name": f"Leerling{i}",
                    "last_name": f"Bench{tag}",
                    "administrative_group": f"{1 + i % 6}de leerjaar",
                    "education_level": EducationLevel.BASIS,
                    "enrollment_end": end,
                    "gender": "MVX"[i % 3],
                    "birth_date": date(2015, 1 + i % 12, 1 + i % 28),
                    "search_text": f"{tag}{i:06d} leerling{i} bench{tag}",
                    "sort_key": f"bench{tag} leerling{i:06d}",
                }
                for i in range(size)
            ]
            session.execute(insert(Pupil), rows)
            ids = session.exec(
                select(Pupil.id).where(Pupil.school_id == school.id).order_by(Pupil.id)
            ).all()
            session.execute(
                insert(LeerIDAccount),
                [
                    {
                        "pupil_id": pupil_id,
                        "account_type": AccountType.BASIS,
                        "username": f"leerling{i}.bench{tag}",
                        "password_hash": DUMMY_HASH,
                        "password_type": PasswordType.BASIS,
                        "must_change_password": False,
                        "created_at": now - timedelta(days=30),
                    }
                    for i, pupil_id in enumerate(ids)
                ],
            )
        session.commit()
    engine.dispose()


class Client:
    """One browser tab: a websocket speaking Reflex's event protocol."""

    def __init__(self, port: int) -> None:
        url = f"ws://127.0.0.1:{port}/_event/?EIO=4&transport=websocket&token={uuid.uuid4()}"
        self.ws = websocket.create_connection(
            url, subprotocols=[REFLEX_VERSION], timeout=ANSWER_TIMEOUT
        )
        self.ws.recv()  # the engine.io open packet
        self.ws.send("40/_event,")
        self.path = routes.LOGIN

    def send(self, handler: str, payload: dict | None = None) -> float:
        event = {
            "name": handler,
            "payload": payload or {},
            "router_data": {"pathname": self.path, "asPath": self.path, "query": {}},
        }
        self.ws.send("42/_event," + json.dumps(["event", event]))
        return time.perf_counter()

    def receive(self, until: str | None = None) -> str:
        """The next state update, or the first that contains ``until``."""
        while True:
            message = self.ws.recv()
            if message == "2":
                self.ws.send("3")
                continue
            if not message.startswith("42/_event,"):
                continue
            if until is None or until in message:
                return message

    def call(self, handler: str, payload: dict | None = None, until: str | None = None) -> float:
        """Send an event and wait for its answer; the seconds it took."""
        sent = self.send(handler, payload)
        self.receive(until)
        return time.perf_counter() - sent

    def log_in(self, username: str) -> None:
        self.call(
            f"{AuthState.get_full_name()}.log_in",
            {"form_data": {"username": username, "password": ADMIN_PASSWORD}},
            until="_redirect",
        )
        self.path = routes.PUPILS
        self.call(f"{PupilListState.get_full_name()}.load", until="total")

    def close(self) -> None:
        self.ws.close()


LIST = PupilListState.get_full_name()
BULK = BulkState.get_full_name()


def bulk_run(port: int, phase: list[str], timings: dict[str, float]) -> None:
    """Administrator A: select the whole school, plan, save, both downloads."""
    a = Client(port)
    try:
        a.log_in("bench.a")
        phase[0] = "select"
        timings["select"] = a.call(f"{LIST}.select_all_matching", until="selected_count")
        a.path = routes.BULK_RENEW
        phase[0] = "plan"
        timings["plan"] = a.call(f"{BULK}.prepare_renewal", until="planned_total")
        phase[0] = "hash+save"
        timings["hash+save"] = a.call(
            f"{BULK}.save", {"confirmed": True}, until='"phase_rx_state_":"result"'
        )
        phase[0] = "pdf"
        timings["pdf"] = a.call(f"{BULK}.download_pdf", until="_download")
        phase[0] = "excel"
        timings["excel"] = a.call(f"{BULK}.download_excel", until="_download")
    finally:
        phase[0] = "done"
        a.close()


def probe(port: int, interval: float) -> dict:
    """B clicks list pages while A runs; latencies per phase of A's run."""
    b = Client(port)
    b.log_in("bench.b")
    phase = ["login"]
    timings: dict[str, float] = {}
    runner = threading.Thread(target=bulk_run, args=(port, phase, timings))
    samples: dict[str, list[float]] = defaultdict(list)
    page = 1
    runner.start()
    while runner.is_alive():
        page = 2 if page == 1 else 1
        label = phase[0]
        latency = b.call(f"{LIST}.go_to_page", {"page": page})
        samples[label].append(latency)
        time.sleep(max(0.0, interval - latency))
    runner.join()
    b.close()
    return {"samples": samples, "bulk": timings}


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def main(argv: list[str] | None = None) -> None:
    """Build, start, probe, report, clean up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=3000)
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between clicks")
    parser.add_argument("--db-url", default=None, help="an EMPTY throw-away database")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="leerid-probe-"))
    pepper = secrets.token_hex(32)
    db_url = args.db_url or f"sqlite:///{folder / 'bench.db'}"
    process = None
    try:
        build_database(db_url, args.pupils, pepper)
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            port = free.getsockname()[1]
        # The websocket accepts only the public origin; this client sends its own address.
        os.environ["LEERID_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
        process = start_app(folder, db_url, pepper, port)
        result = probe(port, args.interval)
        everything = [v for values in result["samples"].values() for v in values]
        report = {
            "pupils": args.pupils,
            "database": db_url.split(":")[0],
            "all": summary(everything),
            "per_phase": {k: summary(v) for k, v in result["samples"].items()},
            "bulk_seconds": {k: round(v, 2) for k, v in result["bulk"].items()},
        }
        print(json.dumps(report, indent=2))
        verdict = report["all"]["max_ms"] < TARGET_MAX_MS
        print(f"Target: max < {TARGET_MAX_MS:.0f} ms: {'MET' if verdict else 'NOT MET'}")
    finally:
        if process is not None:
            stop_app(process)
        if os.environ.get("KEEP_PROBE_FOLDER"):
            print("kept", folder)
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
