"""Times bulk renewal/activation against the argon2 lower bound, and list latency meanwhile."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import json
import math
import multiprocessing
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher, Type
from sqlalchemy import Engine, event, insert, select, update
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, create_engine

from leerid_app import texts
from leerid_app.db import _configure_sqlite, make_engine
from leerid_app.models import (
    AccountType,
    Administrator,
    AuditEvent,
    EducationLevel,
    LeerIDAccount,
    Pupil,
    School,
)
from leerid_app.services import bulk, credentials, usernames
from leerid_app.services.accounts import (
    PASSWORD_CHANGE_MONTHS,
    Actor,
    account_type_for,
    add_months,
    mask_email,
    password_type_for,
)
from leerid_app.services.audit import AuditAction
from leerid_app.services.bulk import PlannedPassword
from leerid_app.services.credentials import IssuedCredential, slip_order
from leerid_app.services.errors import DomainError
from leerid_app.services.exports.credentials_xlsx import build_credentials_xlsx
from leerid_app.services.exports.slips_pdf import build_slips_pdf
from leerid_app.services.hashing import PasswordHashing, make_password_hashing
from leerid_app.services.pupils import PupilFilter, list_pupils, pupil_search_keys
from leerid_app.services.usernames import candidate_usernames, username_base
from leerid_app.settings import Settings

DEFAULT_SIZES = (200, 1_000, 3_000)
OTHER_SCHOOL_PUPILS = 2_000
LOAD_SIZE = 3_000  # the renewal that runs while another administrator pages through a list
DIAG_SIZE = 1_000  # hashes per variant in the "where does the time go" section
HASH_SAMPLES = 20
PROBE_INTERVAL = 0.05  # another administrator's list request every 50 ms
BASELINE_SECONDS = 3.0
RATIO_TARGET = 1.10
LATENCY_TARGET_MS = 100.0
PAYLOAD_TARGET_BYTES = 100 * 1024
TABLE_PAGE_SIZE = 50  # leerid_app.state.bulk.TABLE_PAGE_SIZE
APP_PROGRESS_INTERVAL = 0.25  # bulk.hash_passwords' default
RESULTS_FILE = Path(__file__).resolve().parent / "results" / "bulk.json"
SCHOOL_A = "BRUSSEL-STAD - Benchmark School A"
SCHOOL_B = "GENT - Benchmark School B"
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


# ----------------------------------------------------------------------------- machine load


@dataclass(frozen=True)
class CpuSnapshot:
    """Wall clock, this process's CPU seconds and the whole machine's busy and stolen seconds."""

    wall: float
    own: float
    machine_busy: float
    steal: float

    @classmethod
    def take(cls, extra_pids: Sequence[int] = ()) -> CpuSnapshot:
        """Now; ``extra_pids`` (e.g. process-pool workers) count as this process's own CPU."""
        times = os.times()
        own = times.user + times.system + sum(_pid_cpu(pid) for pid in extra_pids)
        busy = steal = 0.0
        try:
            with open("/proc/stat") as handle:
                values = [int(v) for v in handle.readline().split()[1:9]]
            hz = os.sysconf("SC_CLK_TCK")
            # user nice system idle iowait irq softirq steal
            busy = (values[0] + values[1] + values[2] + values[5] + values[6]) / hz
            steal = values[7] / hz
        except (OSError, ValueError, IndexError):
            pass  # not Linux: only this process's own CPU time is reported
        return cls(time.perf_counter(), own, busy, steal)

    def since(self, start: CpuSnapshot) -> dict[str, float]:
        """CPU use between two snapshots; ``others_s`` is what other processes took."""
        wall = self.wall - start.wall
        own = self.own - start.own
        machine = self.machine_busy - start.machine_busy
        cores = os.cpu_count() or 1
        return {
            "wall_s": round(wall, 3),
            "own_cpu_s": round(own, 3),
            "others_cpu_s": round(max(0.0, machine - own), 2),
            "steal_s": round(self.steal - start.steal, 2),
            "own_cores_used": round(own / wall, 2) if wall else 0.0,
            "cores": cores,
        }


def _pid_cpu(pid: int) -> float:
    """User + system CPU seconds of another process (Linux), 0 if unknown."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def others_busy_cores(seconds: float = 1.0) -> float:
    """How many cores other processes kept busy over the next ``seconds``."""
    start = CpuSnapshot.take()
    time.sleep(seconds)
    return CpuSnapshot.take().since(start)["others_cpu_s"] / seconds


def wait_for_quiet(max_wait: float, threshold: float = 0.3) -> float:
    """Wait (up to ``max_wait`` s) until others use < ``threshold`` cores; return their use."""
    deadline = time.monotonic() + max_wait
    busy = others_busy_cores()
    while busy >= threshold and time.monotonic() < deadline:
        busy = others_busy_cores(2.0)
    return round(busy, 2)


# ----------------------------------------------------------------------------- fixture


@dataclass
class Fixture:
    """The throw-away database and the ids the runs select."""

    engine: Engine
    school_a: int
    school_b: int
    with_account: list[int]  # school A pupils with a LeerID (renewal runs)
    without_account: dict[str, list[int]]  # per chunk name: school A pupils without a LeerID
    actor: Actor
    today: date
    seconds: float = 0.0


def _pupil_row(rng: random.Random, school_id: int, stamnummer: str, today: date) -> dict:
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


def build_database(
    engine: Engine, *, accounts: int, activation_chunks: dict[str, int], other: int, seed: int
) -> Fixture:
    """Schema plus school A (accounts + pupils without one) and school B (``other`` pupils)."""
    start = time.perf_counter()
    rng = random.Random(seed)
    today = date.today()
    now = datetime.now(UTC)
    SQLModel.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(School.__table__), [{"name": SCHOOL_A}, {"name": SCHOOL_B}])
        school_ids = dict(conn.execute(select(School.name, School.id)).all())
        conn.execute(
            insert(Administrator.__table__),
            [
                {
                    "username": "bench.beheerder",
                    "display_name": "Benchmark",
                    "password_hash": DUMMY_HASH,
                    "is_active": True,
                    "created_at": now,
                }
            ],
        )
        admin_id = conn.execute(select(Administrator.id)).scalar_one()
        school_a, school_b = school_ids[SCHOOL_A], school_ids[SCHOOL_B]
        without_total = sum(activation_chunks.values())
        rows = [_pupil_row(rng, school_a, f"A{i:06d}", today) for i in range(accounts)]
        rows += [_pupil_row(rng, school_a, f"N{i:06d}", today) for i in range(without_total)]
        rows += [_pupil_row(rng, school_b, f"B{i:06d}", today) for i in range(other)]
        conn.execute(insert(Pupil.__table__), rows)
        ids = dict(conn.execute(select(Pupil.stamnummer, Pupil.id)).all())
        # Usernames as the app hands them out: base, base1, base2, ... in order.
        taken: dict[str, int] = {}
        account_rows = []
        for row in rows:
            if row["stamnummer"].startswith("N"):
                continue
            base = username_base(row["first_name"], row["last_name"])
            nth = taken.get(base, 0)
            taken[base] = nth + 1
            account_type = account_type_for(row["education_level"])
            account_rows.append(
                {
                    "pupil_id": ids[row["stamnummer"]],
                    "account_type": account_type,
                    "username": next(islice(candidate_usernames(base), nth, None)),
                    "password_hash": DUMMY_HASH,
                    "password_type": password_type_for(account_type),
                    "must_change_password": False,
                    "created_at": now - timedelta(days=30),
                }
            )
        conn.execute(insert(LeerIDAccount.__table__), account_rows)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    with_account = sorted(ids[f"A{i:06d}"] for i in range(accounts))
    without: dict[str, list[int]] = {}
    offset = 0
    for name, size in activation_chunks.items():
        without[name] = [ids[f"N{i:06d}"] for i in range(offset, offset + size)]
        offset += size
    return Fixture(
        engine=engine,
        school_a=school_a,
        school_b=school_b,
        with_account=with_account,
        without_account=without,
        actor=Actor(admin_id, "bench.beheerder"),
        today=today,
        seconds=time.perf_counter() - start,
    )


# ----------------------------------------------------------------------------- lower bound


def measure_one_hash(hashing: PasswordHashing, samples: int = HASH_SAMPLES) -> dict[str, float]:
    """One hash on an otherwise idle process: median, min, max in ms (after a warm-up)."""
    for _ in range(3):
        hashing.hash("warm-up")
    timings, cpu = [], []
    for index in range(samples):
        start, start_cpu = time.perf_counter(), time.thread_time()
        hashing.hash(f"pw{index:05d}")
        timings.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    return {
        "median_ms": statistics.median(timings) * 1000,
        "cpu_median_ms": statistics.median(cpu) * 1000,
        "min_ms": min(timings) * 1000,
        "max_ms": max(timings) * 1000,
        "samples": samples,
    }


def measure_concurrent_hash(
    hashing: PasswordHashing, workers: int, per_worker: int = 10
) -> dict[str, float]:
    """One hash while ``workers`` threads hash at once: wall and CPU ms (cache/memory check)."""
    timings: list[float] = []
    cpu: list[float] = []

    def work(offset: int) -> None:
        for index in range(per_worker):
            start, start_cpu = time.perf_counter(), time.thread_time()
            hashing.hash(f"c{offset}-{index}")
            timings.append(time.perf_counter() - start)
            cpu.append(time.thread_time() - start_cpu)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(work, range(workers)))
    return {
        "concurrent_median_ms": statistics.median(timings) * 1000,
        "concurrent_cpu_median_ms": statistics.median(cpu) * 1000,
    }


# ----------------------------------------------------------------------------- bulk runs


class Timeline:
    """When each phase of the background bulk run began, for tagging latency samples."""

    def __init__(self) -> None:
        self.origin = time.perf_counter()
        self.marks: list[tuple[float, str]] = [(0.0, "idle")]
        self.end: float | None = None

    def mark(self, phase: str) -> None:
        now = time.perf_counter()
        self.marks.append((now - self.origin, phase))
        if phase == "done":
            self.end = now

    def phase_at(self, moment: float) -> str:
        current = self.marks[0][1]
        for start, phase in self.marks:
            if start <= moment:
                current = phase
        return current


class ProgressRecorder:
    """Stands in for the app's ``report``: ``async with self`` (a lock) + a tiny state delta."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.calls = 0
        self.seconds = 0.0
        self.last = ""

    async def __call__(self, done: int, total: int) -> None:
        start = time.perf_counter()
        async with self.lock:
            self.last = json.dumps({"bulk_state": {"progress_done": done, "progress_total": total}})
            await asyncio.sleep(0)
        self.calls += 1
        self.seconds += time.perf_counter() - start


def plan(
    fx: Fixture, mode: str, n: int, chunk: str | None = None
) -> tuple[list[PlannedPassword], float, Any]:
    """The plan the bulk page shows before the click (not part of the timed total)."""
    start = time.perf_counter()
    with Session(fx.engine, expire_on_commit=False) as session:
        if mode == "renewal":
            result = bulk.plan_renewal(
                session, school_id=fx.school_a, pupil_ids=fx.with_account[:n]
            )
            items = result.renewable
        else:
            result = bulk.plan_activation(
                session,
                school_id=fx.school_a,
                pupil_ids=fx.without_account[chunk or f"app-{n}"][:n],
            )
            items = result.to_activate
    return items, time.perf_counter() - start, result


def store(fx: Fixture, mode: str, items: Sequence[PlannedPassword], hashes: Sequence[str]):
    """The app's save step: one transaction (run_as_admin: savepoint, then commit)."""
    save = bulk.save_renewal if mode == "renewal" else bulk.save_activation
    start = time.perf_counter()
    with Session(fx.engine, expire_on_commit=False) as session:
        with session.begin_nested():
            issued = save(
                session,
                school_id=fx.school_a,
                planned=items,
                password_hashes=hashes,
                actor=fx.actor,
            ).issued
        saved = time.perf_counter()
        session.commit()
    done = time.perf_counter()
    return issued, saved - start, done - saved


async def app_hash(
    passwords: Sequence[str],
    hashing: PasswordHashing,
    executor: Executor,
    on_progress: Callable[[int, int], Awaitable[None]] | None,
) -> list[str]:
    """Exactly the app's path: services.bulk.hash_passwords on the given pool."""
    return await bulk.hash_passwords(
        passwords, hashing=hashing, on_progress=on_progress, executor=executor
    )


async def execute_bulk(
    fx: Fixture,
    mode: str,
    items: list[PlannedPassword],
    *,
    hashing: PasswordHashing,
    executor: Executor,
    timeline: Timeline | None = None,
    downloads_on_loop: bool = False,
    download_pool: Executor | None = None,
    fast_save: bool = False,
) -> dict[str, Any]:
    """From the click on `Bewaren en afdrukken` to both downloads built; phases timed.

    The defaults are the app's way (state/bulk.py builds the downloads with
    asyncio.to_thread); ``downloads_on_loop`` builds them on the event loop thread (the
    app's earlier sync handlers), ``download_pool`` in a process pool, ``fast_save`` uses
    the set-based prototype.
    """
    progress = ProgressRecorder()
    cpu_start = CpuSnapshot.take()
    t0 = cpu_start.wall
    if timeline:
        timeline.mark("hash")
    hashes = await app_hash([i.password for i in items], hashing, executor, progress)
    cpu_hashed = CpuSnapshot.take()
    t1 = cpu_hashed.wall
    if timeline:
        timeline.mark("db")
    if fast_save and mode == "renewal":
        issued, _, save_s = await asyncio.to_thread(
            fast_store, fx, mode, items, hashes, [i.pupil.username for i in items]
        )
        commit_s = 0.0
    else:
        issued, save_s, commit_s = await asyncio.to_thread(store, fx, mode, items, hashes)
    cpu_saved = CpuSnapshot.take()
    t2 = cpu_saved.wall
    if timeline:
        timeline.mark("downloads")
    school = SCHOOL_A
    if downloads_on_loop:
        t_pdf = time.perf_counter()
        pdf = build_slips_pdf(issued, school_name=school)
        t_xlsx = time.perf_counter()
        xlsx = build_credentials_xlsx(issued)
    elif download_pool is not None:
        loop = asyncio.get_running_loop()
        t_pdf = time.perf_counter()
        pdf = await loop.run_in_executor(
            download_pool, functools.partial(build_slips_pdf, issued, school_name=school)
        )
        t_xlsx = time.perf_counter()
        xlsx = await loop.run_in_executor(download_pool, build_credentials_xlsx, issued)
    else:
        t_pdf = time.perf_counter()
        pdf = await asyncio.to_thread(build_slips_pdf, issued, school_name=school)
        t_xlsx = time.perf_counter()
        xlsx = await asyncio.to_thread(build_credentials_xlsx, issued)
    cpu_done = CpuSnapshot.take()
    t3 = cpu_done.wall
    if timeline:
        timeline.mark("done")
    cpu = cpu_done.since(cpu_start)
    cpu["phases"] = {
        "hash": cpu_hashed.since(cpu_start),
        "db": cpu_saved.since(cpu_hashed),
        "downloads": cpu_done.since(cpu_saved),
    }
    return {
        "n": len(items),
        "hash_s": t1 - t0,
        "db_s": t2 - t1,
        "db_save_s": save_s,
        "db_commit_s": commit_s,
        "pdf_s": t_xlsx - t_pdf,
        "xlsx_s": t3 - t_xlsx,
        "downloads_s": t3 - t2,
        "total_s": t3 - t0,
        "pdf_bytes": len(pdf),
        "xlsx_bytes": len(xlsx),
        "progress_calls": progress.calls,
        "progress_s": progress.seconds,
        "cpu": cpu,
    }


def projection(result: dict[str, Any], n: int, one_hash_cpu: float) -> dict[str, float]:
    """Load-independent view from CPU seconds: the run on an otherwise idle machine.

    Hashing spreads over all cores; the DB write and the downloads run on one thread. The
    bound in CPU terms is N x (CPU time of one hash) / cores.
    """
    cores = os.cpu_count() or 1
    phases = result["cpu"]["phases"]
    hash_cpu = phases["hash"]["own_cpu_s"]
    serial = phases["db"]["own_cpu_s"] + phases["downloads"]["own_cpu_s"]
    bound = n * one_hash_cpu / cores
    return {
        "cpu_bound_s": bound,
        "hash_cpu_per_hash_ms": hash_cpu / n * 1000,
        "hash_cpu_overhead": hash_cpu / (n * one_hash_cpu),
        "projected_total_s": hash_cpu / cores + serial,
        "projected_ratio": (hash_cpu / cores + serial) / bound,
    }


async def bulk_run(
    fx: Fixture,
    mode: str,
    n: int,
    hashing: PasswordHashing,
    executor: Executor,
    lower: dict[str, float],
    quiet_wait: float,
    chunk: str | None = None,
) -> dict[str, Any]:
    """One measured renewal or activation of ``n`` accounts, with its ratio to the bound."""
    items, plan_s, _ = plan(fx, mode, n, chunk)
    if len(items) != n:
        raise RuntimeError(f"{mode}: planned {len(items)} instead of {n}")
    others_before = wait_for_quiet(quiet_wait)
    local = measure_one_hash(hashing, samples=10)["median_ms"]
    result = await execute_bulk(fx, mode, items, hashing=hashing, executor=executor)
    cores = os.cpu_count() or 1
    bound = n * lower["median_ms"] / 1000 / cores
    result.update(
        mode=mode,
        plan_s=plan_s,
        others_cores_before=others_before,
        one_hash_just_before_ms=local,
        ratio_to_local_bound=result["total_s"] / (n * local / 1000 / cores),
        lower_bound_s=bound,
        ratio=result["total_s"] / bound,
        hash_ratio=result["hash_s"] / bound,
        **projection(result, n, lower["cpu_median_ms"] / 1000),
    )
    return result


# ----------------------------------------------------------------------------- latency


@dataclass
class Sample:
    """One list request of the other administrator."""

    at: float  # when it was due, seconds since the timeline origin
    latency_ms: float  # due -> answered (waiting for a blocked event loop included)
    service_ms: float  # started -> answered
    phase: str = ""


def make_list_query(engine: Engine, school_id: int, today: date) -> Callable[[int], None]:
    """The list page of the other school: count + page of 50, fresh Session each time."""

    def query(page: int) -> None:
        with Session(engine) as session:
            list_pupils(
                session,
                school_id=school_id,
                filters=PupilFilter(),
                today=today,
                page=page,
                page_size=TABLE_PAGE_SIZE,
            )

    return query


async def probe(
    query: Callable[[int], None],
    *,
    on_loop: bool,
    timeline: Timeline,
    stop: asyncio.Event | None = None,
    duration: float | None = None,
) -> list[Sample]:
    """A request every PROBE_INTERVAL; a late start (blocked loop) counts in the latency."""
    samples: list[Sample] = []
    pages = max(1, OTHER_SCHOOL_PUPILS // TABLE_PAGE_SIZE)
    start = time.perf_counter()
    tick = 0
    while True:
        due = start + tick * PROBE_INTERVAL
        # After the run, requests that fell due while it still went (a blocked loop) count.
        if stop is not None and stop.is_set() and (timeline.end is None or due > timeline.end):
            break
        if duration is not None and due - start >= duration:
            break
        delay = due - time.perf_counter()
        await asyncio.sleep(max(0.0, delay))
        began = time.perf_counter()
        if on_loop:
            query(1 + tick % pages)  # as a sync Reflex handler: on the event loop thread
        else:
            await asyncio.to_thread(query, 1 + tick % pages)
        ended = time.perf_counter()
        at = due - timeline.origin
        samples.append(
            Sample(at, (ended - due) * 1000, (ended - began) * 1000, timeline.phase_at(at))
        )
        tick += 1
    return samples


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def summarise(samples: Sequence[Sample]) -> dict[str, Any]:
    """p50/p95/p99/max of the latency, and per phase of the background run."""
    lat = [s.latency_ms for s in samples]
    summary: dict[str, Any] = {
        "count": len(lat),
        "p50_ms": percentile(lat, 50),
        "p95_ms": percentile(lat, 95),
        "p99_ms": percentile(lat, 99),
        "max_ms": max(lat) if lat else float("nan"),
        "over_target": sum(v >= LATENCY_TARGET_MS for v in lat),
        "service_p50_ms": percentile([s.service_ms for s in samples], 50),
    }
    phases: dict[str, dict[str, float]] = {}
    for phase in dict.fromkeys(s.phase for s in samples):
        values = [s.latency_ms for s in samples if s.phase == phase]
        phases[phase] = {
            "count": len(values),
            "p50_ms": percentile(values, 50),
            "p95_ms": percentile(values, 95),
            "max_ms": max(values),
        }
    summary["phases"] = phases
    return summary


async def baseline_latency(query: Callable[[int], None], *, on_loop: bool) -> dict[str, Any]:
    """The list page with nothing else running."""
    samples = await probe(query, on_loop=on_loop, timeline=Timeline(), duration=BASELINE_SECONDS)
    return summarise(samples)


async def latency_under_load(
    fx: Fixture,
    query: Callable[[int], None],
    *,
    on_loop: bool,
    hashing: PasswordHashing,
    executor: Executor,
    n: int,
    downloads_on_loop: bool = False,
    mode: str = "renewal",
    chunk: str | None = None,
    download_pool: Executor | None = None,
    fast_save: bool = False,
) -> dict[str, Any]:
    """The list page while an ``n``-account bulk run goes on in the background of this loop."""
    items, _, _ = plan(fx, mode, n, chunk)
    timeline = Timeline()
    stop = asyncio.Event()
    prober = asyncio.create_task(probe(query, on_loop=on_loop, timeline=timeline, stop=stop))
    try:
        run = await execute_bulk(
            fx,
            mode,
            items,
            hashing=hashing,
            executor=executor,
            timeline=timeline,
            downloads_on_loop=downloads_on_loop,
            download_pool=download_pool,
            fast_save=fast_save,
        )
    finally:
        stop.set()
    samples = await prober
    summary = summarise(samples)
    summary["bulk"] = {k: run[k] for k in ("n", "hash_s", "db_s", "downloads_s", "total_s")}
    return summary


# ----------------------------------------------------------------------------- payload


@dataclass
class RowView:
    """Mirror of leerid_app.state.bulk.BulkRowView (what one table row sends)."""

    pupil_id: int
    name_and_stamnummer: str
    username: str
    password: str = ""
    masked_email: str = ""
    account_type: str = ""
    included: bool = True


SKIPPED_NAMES_SHOWN = 20  # leerid_app.state.bulk.SKIPPED_NAMES_SHOWN


def _skipped_names(names: Sequence[str]) -> str:
    """As state/bulk.py writes skipped pupils: the first few names, then how many more."""
    text = ", ".join(names[:SKIPPED_NAMES_SHOWN])
    if len(names) > SKIPPED_NAMES_SHOWN:
        text += texts.AND_MORE.format(count=len(names) - SKIPPED_NAMES_SHOWN)
    return text


def _json_bytes(value: Any) -> int:
    # Reflex serialises with ensure_ascii=False and the default separators.
    return len(json.dumps(value, ensure_ascii=False).encode("utf-8"))


def payload_sizes(fx: Fixture, hashing_free_items: list[PlannedPassword]) -> dict[str, Any]:
    """Bytes of the biggest bulk-page updates: 50 rows realistic and worst case, skip message."""
    type_label = {AccountType.BASIS: "Basis", AccountType.GEVORDERD: "Gevorderd"}
    realistic = [
        dataclasses.asdict(
            RowView(
                pupil_id=i.pupil.pupil_id,
                name_and_stamnummer=i.pupil.name_and_stamnummer,
                username=i.pupil.username,
                password=i.password,
                account_type=type_label[i.pupil.account_type] if i.pupil.account_type else "",
            )
        )
        for i in hashing_free_items[:TABLE_PAGE_SIZE]
    ]
    # Every column at its database maximum, with letters that take two bytes in UTF-8.
    long_name = "Ł" * 100
    worst = [
        dataclasses.asdict(
            RowView(
                pupil_id=2**31 - 1 - i,
                name_and_stamnummer=f"{long_name} {long_name} ({'9' * 20})",
                username="x" * 50,
                password="qxu7Benc",
                masked_email=mask_email("t" * 64 + "@" + "d" * 189),
                account_type="Gevorderd",
            )
        )
        for i in range(TABLE_PAGE_SIZE)
    ]
    # The plan page also sends skipped_message: every skipped pupil's name in one string.
    # Worst realistic case: a whole selection (MAX_BULK_PUPILS) of pupils who already have one.
    with Session(fx.engine) as session:
        selection = list(
            session.execute(
                select(Pupil.id)
                .join(LeerIDAccount, LeerIDAccount.pupil_id == Pupil.id)
                .where(Pupil.school_id == fx.school_a)
                .limit(bulk.MAX_BULK_PUPILS)
            ).scalars()
        )
        activation = bulk.plan_activation(session, school_id=fx.school_a, pupil_ids=selection)
    skipped = texts.SKIPPED_ALREADY_ACTIVE.format(
        names=_skipped_names([p.name_and_stamnummer for p in activation.already_active])
    )
    longest = f"{long_name} {long_name} ({'9' * 20})"
    skipped_worst = texts.SKIPPED_ALREADY_ACTIVE.format(
        names=_skipped_names([longest] * bulk.MAX_BULK_PUPILS)
    )
    wrapper = "leerid_app___state___bulk____bulk_state"
    return {
        "rows_50_realistic_bytes": _json_bytes({wrapper: {"result_page": realistic}}),
        "rows_50_worst_case_bytes": _json_bytes({wrapper: {"planned_page": worst}}),
        "plan_update_worst_bytes": _json_bytes(
            {wrapper: {"planned_page": worst, "linked_page": worst}}
        ),
        "skipped_message_pupils": len(activation.already_active),
        "skipped_message_bytes": _json_bytes({wrapper: {"skipped_message": skipped}}),
        "skipped_message_worst_bytes": _json_bytes({wrapper: {"skipped_message": skipped_worst}}),
        "progress_update_bytes": _json_bytes({wrapper: {"progress_done": 2999}}),
        "target_bytes": PAYLOAD_TARGET_BYTES,
    }


# ----------------------------------------------------------------------------- alternatives

_WORKER_HASHING: PasswordHashing | None = None


def _init_process_worker(pepper: bytes, time_cost: int, memory_kib: int, parallelism: int) -> None:
    global _WORKER_HASHING  # one hasher per worker process
    hasher = PasswordHasher(
        time_cost=time_cost,
        memory_cost=memory_kib,
        parallelism=parallelism,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )
    _WORKER_HASHING = PasswordHashing(pepper=pepper, hasher=hasher)


def _hash_batch_in_process(passwords: list[str]) -> list[str]:
    assert _WORKER_HASHING is not None
    return [_WORKER_HASHING.hash(p) for p in passwords]


def _hash_batch(hashing: PasswordHashing, passwords: list[str]) -> list[str]:
    return [hashing.hash(p) for p in passwords]


async def batched_hash(
    passwords: Sequence[str],
    *,
    submit: Callable[[list[str]], Awaitable[list[str]]],
    batch: int,
    on_progress: Callable[[int, int], Awaitable[None]] | None = None,
) -> list[str]:
    """Batches of ``batch`` passwords per task, progress per finished batch, input order kept."""
    chunks = [list(passwords[i : i + batch]) for i in range(0, len(passwords), batch)]
    tasks = [asyncio.ensure_future(submit(chunk)) for chunk in chunks]
    done, total, last = 0, len(passwords), 0.0
    loop = asyncio.get_running_loop()
    for finished in asyncio.as_completed(tasks):
        done += len(await finished)
        if on_progress and (loop.time() - last >= APP_PROGRESS_INTERVAL or done == total):
            last = loop.time()
            await on_progress(done, total)
    return [h for task in tasks for h in task.result()]


async def windowed_hash(
    passwords: Sequence[str],
    *,
    hashing: PasswordHashing,
    executor: Executor,
    window: int,
    on_progress: Callable[[int, int], Awaitable[None]] | None = None,
) -> list[str]:
    """Prototype of hash_passwords with at most ``window`` hashes queued on the shared pool."""
    loop = asyncio.get_running_loop()
    results: list[str] = [""] * len(passwords)
    pending = iter(enumerate(passwords))
    in_flight: dict[asyncio.Future, int] = {}
    done, total, last = 0, len(passwords), loop.time()

    def top_up() -> None:
        for index, password in islice(pending, max(0, window - len(in_flight))):
            in_flight[loop.run_in_executor(executor, hashing.hash, password)] = index

    top_up()
    try:
        while in_flight:
            finished, _ = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
            for future in finished:
                results[in_flight.pop(future)] = future.result()
                done += 1
            top_up()
            if on_progress and (loop.time() - last >= APP_PROGRESS_INTERVAL or done == total):
                last = loop.time()
                await on_progress(done, total)
    except BaseException:
        for future in in_flight:
            future.cancel()
        raise
    return results


async def fairness(
    hashing: PasswordHashing, executor: Executor, big: int, small: int, *, window: int | None
) -> dict[str, float]:
    """Two administrators: ``small`` hashes start 0.5 s after ``big`` ones on the same pool."""

    async def one(count: int, delay: float) -> tuple[float, float]:
        await asyncio.sleep(delay)
        start = time.perf_counter()
        passwords = [f"f{delay}-{i}" for i in range(count)]
        if window is None:
            await app_hash(passwords, hashing, executor, ProgressRecorder())
        else:
            await windowed_hash(
                passwords,
                hashing=hashing,
                executor=executor,
                window=window,
                on_progress=ProgressRecorder(),
            )
        return start, time.perf_counter()

    (big_start, big_end), (small_start, small_end) = await asyncio.gather(
        one(big, 0.0), one(small, 0.5)
    )
    return {
        "big_n": big,
        "small_n": small,
        "big_s": big_end - big_start,
        "small_s": small_end - small_start,
        "both_s": max(big_end, small_end) - big_start,
    }


def process_pool(hashing: PasswordHashing, workers: int, settings: Settings) -> ProcessPoolExecutor:
    """A spawn-context process pool whose workers hold the same pepper and parameters."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_process_worker,
        initargs=(
            hashing.pepper,
            settings.argon2_time_cost,
            settings.argon2_memory_kib,
            settings.argon2_parallelism,
        ),
    )


async def diagnostics(
    hashing: PasswordHashing,
    settings: Settings,
    n: int,
    lower: dict[str, float],
    quiet_wait: float,
) -> list[dict[str, Any]]:
    """Hashing ``n`` passwords in several ways; each against the same lower bound."""
    cores = os.cpu_count() or 1
    bound = n * lower["median_ms"] / 1000 / cores
    one_hash_cpu = lower["cpu_median_ms"] / 1000
    passwords = [f"d{i:06d}x" for i in range(n)]
    loop = asyncio.get_running_loop()
    results: list[dict[str, Any]] = []

    async def timed(
        name: str,
        work: Callable[[], Awaitable[Any]],
        note: str = "",
        pids: Sequence[int] = (),
    ) -> None:
        others_before = await asyncio.to_thread(wait_for_quiet, quiet_wait)
        cpu_start = CpuSnapshot.take(pids)
        hashes = await work()
        cpu_end = CpuSnapshot.take(pids)
        seconds = cpu_end.wall - cpu_start.wall
        assert len(hashes) == n
        cpu = cpu_end.since(cpu_start)
        results.append(
            {
                "variant": name,
                "seconds": seconds,
                "ratio": seconds / bound,
                "hashes_per_s": n / seconds,
                "cpu_per_hash_ms": cpu["own_cpu_s"] / n * 1000,
                "cpu_overhead": cpu["own_cpu_s"] / (n * one_hash_cpu),
                "others_cores_before": others_before,
                "note": note,
                "cpu": cpu,
            }
        )
        print(
            f"  {name:<46} {seconds:7.2f} s  x{seconds / bound:5.3f}  "
            f"cpu/hash {cpu['own_cpu_s'] / n * 1000:5.2f} ms, own {cpu['own_cores_used']:.2f} "
            f"cores, others {cpu['others_cpu_s'] / seconds:.2f} cores",
            flush=True,
        )

    app_pool = bulk.hashing_pool()

    async def via_app(on_progress: ProgressRecorder | None) -> list[str]:
        return await app_hash(passwords, hashing, app_pool, on_progress)

    await timed("app: hash_passwords, app pool, progress", lambda: via_app(ProgressRecorder()))
    await timed("hash_passwords, app pool, no progress", lambda: via_app(None))
    await timed(
        "pool.map in a thread (no asyncio futures)",
        lambda: asyncio.to_thread(lambda: list(app_pool.map(hashing.hash, passwords))),
    )
    for workers in (1, cores + 1, 2 * cores):
        with ThreadPoolExecutor(max_workers=workers) as pool:
            await timed(
                f"hash_passwords, {workers} thread(s)",
                lambda pool=pool: app_hash(passwords, hashing, pool, ProgressRecorder()),
            )
    for batch in (8, 64):
        await timed(
            f"threads ({cores}), {batch} per task",
            lambda batch=batch: batched_hash(
                passwords,
                submit=lambda chunk: loop.run_in_executor(app_pool, _hash_batch, hashing, chunk),
                batch=batch,
                on_progress=ProgressRecorder(),
            ),
        )
    cold_start = time.perf_counter()
    with process_pool(hashing, cores, settings) as procs:
        # Warm the workers (interpreter start + imports) before timing the warm variant.
        list(procs.map(_hash_batch_in_process, [["warm"]] * cores))
        startup = time.perf_counter() - cold_start
        pids = list(procs._processes)  # worker pids, to count their CPU time as ours
        for batch in (1, 8, 64):
            await timed(
                f"process pool ({cores}, warm), {batch} per task",
                lambda batch=batch, procs=procs: batched_hash(
                    passwords,
                    submit=lambda chunk: loop.run_in_executor(procs, _hash_batch_in_process, chunk),
                    batch=batch,
                    on_progress=ProgressRecorder(),
                ),
                note=f"pool start-up {startup:.2f} s not included",
                pids=pids,
            )
    await timed(
        f"windowed: at most {2 * cores} queued per run",
        lambda: windowed_hash(
            passwords,
            hashing=hashing,
            executor=app_pool,
            window=2 * cores,
            on_progress=ProgressRecorder(),
        ),
    )
    await timed("app: hash_passwords, app pool (again, drift)", lambda: via_app(ProgressRecorder()))
    return results


# ----------------------------------------------------------------------------- prototypes

# (label, hash pool, downloads built while hashing)
PROTOTYPE_VARIANTS = (
    ("threads, downloads after the save", "threads", False),
    ("threads, downloads built while hashing", "threads", True),
    ("processes, downloads built while hashing", "processes", True),
)
# Alternatives to services/bulk.py's save step, measured here only (the app is not changed):
# set-based SQL instead of one ORM object per row, and the work that does not need the write
# lock (usernames, pupil facts, even the downloads) done while the passwords hash.

_PUPIL_FACTS = (
    Pupil.id,
    Pupil.stamnummer,
    Pupil.first_name,
    Pupil.last_name,
    Pupil.administrative_group,
    Pupil.education_level,
    Pupil.gender,
    Pupil.birth_date,
)


def _facts(session: Session, school_id: int, ids: Sequence[int], *, with_account: bool):
    """Pupil facts (+ account columns) by id, in chunks, as plain rows."""
    rows: dict[int, Any] = {}
    columns = [
        *_PUPIL_FACTS,
        LeerIDAccount.id.label("account_id"),
        LeerIDAccount.username,
        LeerIDAccount.email,
        LeerIDAccount.account_type,
    ]
    ordered = sorted(ids)
    for start in range(0, len(ordered), 900):
        statement = (
            select(*columns)
            .select_from(Pupil)
            # With accounts (renewal) an inner join: FOR UPDATE cannot lock an outer join's
            # nullable side on PostgreSQL, and a pupil without one fails the check anyway.
            .join(LeerIDAccount, LeerIDAccount.pupil_id == Pupil.id, isouter=not with_account)
            .where(Pupil.school_id == school_id, Pupil.id.in_(ordered[start : start + 900]))
        )
        if with_account and session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update(of=LeerIDAccount)
        for row in session.execute(statement):
            rows[row[0]] = row
    return rows


def _credential(row: Any, username: str, password: str, account_type: AccountType):
    return credentials.issue(row.id, row, username, account_type, password)


def _audit_rows(fx: Fixture, action: str, summary: str, issued: Sequence[IssuedCredential], now):
    common = {
        "occurred_at": now,
        "actor_administrator_id": fx.actor.administrator_id,
        "actor_username": fx.actor.username,
        "school_id": fx.school_a,
    }
    rows = [
        {**common, "pupil_id": None, "action": summary, "details": f'{{"count":{len(issued)}}}'}
    ]
    rows += [
        {
            **common,
            "pupil_id": c.pupil_id,
            "action": action,
            "details": json.dumps(
                {"bulk": True, "username": c.username},
                sort_keys=True,
                separators=(",", ":"),
                ensure_ascii=False,
            ),
        }
        for c in issued
    ]
    return rows


def precompute(fx: Fixture, reader: Engine, mode: str, items: Sequence[PlannedPassword]):
    """Outside the write transaction: usernames (activation) and the slips' pupil facts."""
    with Session(reader) as session, session.no_autoflush:
        facts = _facts(session, fx.school_a, [i.pupil.pupil_id for i in items], with_account=False)
        if mode == "renewal":
            names = [item.pupil.username for item in items]
        else:
            names = usernames.unique_usernames(
                session, [(i.pupil.first_name, i.pupil.last_name) for i in items]
            )
    issued = [
        _credential(facts[i.pupil.pupil_id], name, i.password, i.pupil.account_type)
        for i, name in zip(items, names, strict=True)
    ]
    return names, sorted(issued, key=slip_order)


def fast_store(
    fx: Fixture,
    mode: str,
    items: Sequence[PlannedPassword],
    hashes: Sequence[str],
    names: Sequence[str],
) -> tuple[list[IssuedCredential], bool, float]:
    """One short transaction with set-based statements; True if a precomputed name moved."""
    start = time.perf_counter()
    now = datetime.now(UTC)
    deadline = add_months(now.date(), PASSWORD_CHANGE_MONTHS)
    moved = False
    with Session(fx.engine, expire_on_commit=False) as session:
        current = _facts(
            session, fx.school_a, [i.pupil.pupil_id for i in items], with_account=mode == "renewal"
        )
        issued: list[IssuedCredential] = []
        params: list[dict[str, Any]] = []
        if mode == "activation":
            # One query per 900 names: were any precomputed usernames taken meanwhile?
            taken: set[str] = set()
            for at in range(0, len(names), 900):
                chunk = list(names[at : at + 900])
                taken.update(
                    session.execute(
                        select(LeerIDAccount.username).where(LeerIDAccount.username.in_(chunk))
                    ).scalars()
                )
            handed = set(names)
        for item, password_hash, name in zip(items, hashes, names, strict=True):
            row = current.get(item.pupil.pupil_id)
            if mode == "renewal":
                if (
                    row is None
                    or row.account_id is None
                    or row.email
                    or row.username != item.pupil.username
                    or row.account_type != item.pupil.account_type
                ):
                    raise DomainError(bulk.MSG_CHANGED_MEANWHILE)
                account_type = row.account_type
                params.append({"id": row.account_id})
            else:
                account_type = account_type_for(row.education_level) if row else None
                if (
                    row is None
                    or row.account_id is not None
                    or account_type != item.pupil.account_type
                ):
                    raise DomainError(bulk.MSG_CHANGED_MEANWHILE)
                if name in taken or (row.first_name, row.last_name) != (
                    item.pupil.first_name,
                    item.pupil.last_name,
                ):
                    moved = True  # rare: fall back to the app's per-pupil lookup
                    name = usernames.unique_username(
                        session, row.first_name, row.last_name, reserved=handed
                    )
                    handed.add(name)
                params.append(
                    {
                        "pupil_id": row.id,
                        "account_type": account_type,
                        "username": name,
                        "created_at": now,
                    }
                )
            advanced = account_type is AccountType.GEVORDERD
            params[-1].update(
                password_hash=password_hash,
                password_type=password_type_for(account_type),
                password_changed_at=now,
                must_change_password=advanced,
                password_change_deadline=deadline if advanced else None,
            )
            issued.append(_credential(row, name, item.password, account_type))
        if mode == "renewal":
            session.execute(update(LeerIDAccount), params)  # ORM bulk UPDATE by primary key
            action, summary = AuditAction.PASSWORD_RENEWED, AuditAction.BULK_PASSWORDS_RENEWED
        else:
            session.execute(insert(LeerIDAccount.__table__), params)
            action, summary = AuditAction.ACCOUNT_ACTIVATED, AuditAction.BULK_ACCOUNTS_ACTIVATED
        session.execute(
            insert(AuditEvent.__table__),
            _audit_rows(fx, action.value, summary.value, issued, now),
        )
        session.commit()
    return sorted(issued, key=slip_order), moved, time.perf_counter() - start


def build_downloads(issued: Sequence[IssuedCredential]) -> tuple[bytes, bytes]:
    """Both downloads, as the result page offers them."""
    return build_slips_pdf(issued, school_name=SCHOOL_A), build_credentials_xlsx(issued)


async def prototype_run(
    fx: Fixture,
    reader: Engine,
    mode: str,
    n: int,
    *,
    hash_all: Callable[[list[str]], Awaitable[list[str]]],
    label: str,
    lower: dict[str, Any],
    prebuild_downloads: bool,
    quiet_wait: float,
    chunk: str | None = None,
    pids: Sequence[int] = (),
) -> dict[str, Any]:
    """The alternative end to end: usernames chosen at plan time, short set-based save.

    Before the click (as plan_activation could): usernames and the slips' pupil facts.
    After the click: hash (optionally building the downloads meanwhile), one short
    transaction that verifies the precomputed usernames with one query per 900, downloads.
    """
    items, plan_s, _ = plan(fx, mode, n, chunk)
    started = time.perf_counter()
    names, planned_issued = precompute(fx, reader, mode, items)
    plan_extra_s = time.perf_counter() - started
    others_before = wait_for_quiet(quiet_wait)
    cpu_start = CpuSnapshot.take(pids)
    t0 = cpu_start.wall
    passwords = [i.password for i in items]
    prebuilt: tuple[bytes, bytes] | None = None
    if prebuild_downloads:
        hashes, prebuilt = await asyncio.gather(
            hash_all(passwords), asyncio.to_thread(build_downloads, planned_issued)
        )
    else:
        hashes = await hash_all(passwords)
    t1 = time.perf_counter()
    issued, moved, _ = await asyncio.to_thread(fast_store, fx, mode, items, hashes, names)
    t2 = time.perf_counter()
    if prebuilt is None or moved or issued != planned_issued:
        prebuilt = await asyncio.to_thread(build_downloads, issued)
    t3 = time.perf_counter()
    cpu = CpuSnapshot.take(pids).since(cpu_start)
    bound = n * lower["median_ms"] / 1000 / (os.cpu_count() or 1)
    return {
        "mode": mode,
        "n": n,
        "variant": label,
        "prebuilt": prebuild_downloads,
        "plan_s": plan_s,
        "plan_extra_s": plan_extra_s,
        "hash_s": t1 - t0,
        "db_s": t2 - t1,
        "downloads_s": t3 - t2,
        "total_s": t3 - t0,
        "lower_bound_s": bound,
        "ratio": (t3 - t0) / bound,
        "pdf_bytes": len(prebuilt[0]),
        "xlsx_bytes": len(prebuilt[1]),
        "names_moved": moved,
        "others_cores_before": others_before,
        "cpu": cpu,
    }


def app_save_breakdown(
    fx: Fixture, mode: str, n: int, chunk: str | None = None
) -> dict[str, float]:
    """services/bulk.py's save (set-based compare-and-set, dummy hashes), rolled back."""
    items, _, _ = plan(fx, mode, n, chunk)
    hashes = [DUMMY_HASH] * len(items)
    save = bulk.save_renewal if mode == "renewal" else bulk.save_activation
    marks: dict[str, float] = {}
    with Session(fx.engine, expire_on_commit=False) as session:
        t = time.perf_counter()
        session.connection()  # BEGIN IMMEDIATE: the write lock from here on
        marks["begin"] = time.perf_counter() - t
        t = time.perf_counter()
        save(session, school_id=fx.school_a, planned=items, password_hashes=hashes, actor=fx.actor)
        marks["save (claim, set-based write, audit)"] = time.perf_counter() - t
        session.rollback()
    marks["total"] = sum(marks.values())
    return marks


# ----------------------------------------------------------------------------- reader engine


def deferred_reader_engine(db_url: str) -> Engine:
    """Prototype: the app's SQLite engine, but read transactions BEGIN DEFERRED (WAL readers)."""
    engine = create_engine(db_url, connect_args={"check_same_thread": False, "timeout": 30})
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN DEFERRED"))
    return engine


# ----------------------------------------------------------------------------- report


def _fmt_s(value: float) -> str:
    return f"{value:8.2f}"


def print_report(report: dict[str, Any]) -> None:
    """The tables on stdout."""
    env = report["environment"]
    lb = report["lower_bound"]
    cores = env["cpu_count"]
    print()
    print(
        f"Machine: {cores} cores, load average {env['loadavg_start']} -> {env['loadavg_end']}; "
        f"{env['db_backend']}; app hash pool {env['hash_workers']} threads"
    )
    print(
        f"One hash (argon2id m={env['argon2_memory_kib']} KiB t={env['argon2_time_cost']} "
        f"p={env['argon2_parallelism']}): median {lb['median_ms']:.2f} ms wall "
        f"(min {lb['min_ms']:.2f}, max {lb['max_ms']:.2f}, n={lb['samples']}), "
        f"{lb['cpu_median_ms']:.2f} ms CPU; at the end {lb.get('end_of_run_median_ms', 0):.2f} ms"
    )
    print(
        f"  {cores} threads hashing at once: {lb['concurrent_median_ms']:.2f} ms per hash "
        f"({lb['concurrent_cpu_median_ms']:.2f} ms CPU); "
        f"other processes used {lb['others_cores_before']:.2f} cores just before"
    )
    print()
    header = (
        f"{'run':<10} {'N':>5} {'plan':>6} {'hash':>7} {'db':>6} {'pdf':>6} {'xlsx':>6} "
        f"{'total':>7} {'bound':>7} {'ratio':>6} {'hash/b':>6} {'local':>6} {'others':>6} | "
        f"{'cpu/h':>5} {'proj':>5}"
    )
    print(header)
    print("-" * len(header))
    for run in report["runs"]:
        others = run["cpu"]["others_cpu_s"] / run["total_s"]
        print(
            f"{run['mode']:<10} {run['n']:>5} {run['plan_s']:6.2f} {run['hash_s']:7.2f} "
            f"{run['db_s']:6.2f} {run['pdf_s']:6.2f} {run['xlsx_s']:6.2f} "
            f"{run['total_s']:7.2f} {run['lower_bound_s']:7.2f} {run['ratio']:6.3f} "
            f"{run['hash_ratio']:6.3f} {run['ratio_to_local_bound']:6.3f} {others:6.2f} | "
            f"{run['hash_cpu_overhead']:5.3f} {run['projected_ratio']:5.3f}"
        )
    print(
        "(seconds; bound = N x one hash / cores; ratio = total / bound, target <= 1.10;\n"
        " hash/b = hashing part / bound; local = ratio to a bound from one hash timed just\n"
        " before the run; plan happens before the click, not in total;\n"
        " others = cores other processes kept busy meanwhile; cpu/h = CPU of the hashing phase /\n"
        " (N x CPU of one hash); proj = ratio projected for an idle machine from CPU seconds:\n"
        " (hashing CPU / cores + DB CPU + downloads CPU) / (N x one-hash CPU / cores))"
    )
    print()
    header = (
        f"{'list page of school B (ms)':<46} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7} "
        f"{'>=100':>5} {'n':>5}"
    )
    print(header)
    print("-" * len(header))
    for name, lat in report["latency"].items():
        print(
            f"{name:<46} {lat['p50_ms']:6.1f} {lat['p95_ms']:6.1f} {lat['p99_ms']:6.1f} "
            f"{lat['max_ms']:7.1f} {lat['over_target']:>5} {lat['count']:>5}"
        )
        if len(lat["phases"]) > 1:
            for phase, values in lat["phases"].items():
                print(
                    f"    during {phase:<37} {values['p50_ms']:6.1f} {values['p95_ms']:6.1f} "
                    f"{'':>6} {values['max_ms']:7.1f} {'':>5} {values['count']:>5}"
                )
        if "bulk" in lat:
            b = lat["bulk"]
            print(
                f"    (bulk run: hash {b['hash_s']:.1f} s, db {b['db_s']:.2f} s, "
                f"downloads {b['downloads_s']:.2f} s)"
            )
    print("(from the moment a request was due to its answer; target p95 < 100 ms;")
    print(" downloads are built with asyncio.to_thread as state/bulk.py does; * = prototypes:")
    print(" A = list reads BEGIN DEFERRED + set-based save, B = A + downloads built in a")
    print(" one-worker process pool)")
    print()
    if report.get("save_breakdown"):
        print("The app's DB write, step by step (seconds, write lock held throughout):")
        for mode, marks in report["save_breakdown"].items():
            steps = ", ".join(f"{k} {v:.3f}" for k, v in marks.items())
            print(f"  {mode}: {steps}")
        print()
    if report.get("prototypes"):
        print(
            "Paired rounds, the app vs prototypes (usernames + slip facts at plan time, "
            "set-based save);\nseconds, plan+ = extra work before the click:"
        )
        header = (
            f"  {'run':<10} {'N':>5} {'variant':<42} {'plan+':>5} {'hash':>6} {'db':>5} "
            f"{'downl':>5} {'total':>6} {'ratio':>6} {'others':>6}"
        )
        print(header)
        for row in sorted(report["prototypes"], key=lambda r: (r["mode"] != "renewal", r["round"])):
            others = row["cpu"]["others_cpu_s"] / row["total_s"]
            print(
                f"  {row['mode']:<10} {row['n']:>5} {row['variant']:<42} "
                f"{row.get('plan_extra_s', 0.0):5.2f} {row['hash_s']:6.2f} {row['db_s']:5.2f} "
                f"{row['downloads_s']:5.2f} {row['total_s']:6.2f} {row['ratio']:6.3f} "
                f"{others:6.2f}"
            )
        print("  median ratio over the rounds:")
        groups: dict[tuple[str, str], list[float]] = {}
        for row in report["prototypes"]:
            groups.setdefault((row["mode"], row["variant"]), []).append(row["ratio"])
        for (mode, variant), ratios in groups.items():
            print(f"    {mode:<10} {variant:<42} {statistics.median(ratios):6.3f}")
        print()
    if report.get("fairness"):
        print("Two administrators on the shared hash pool (second one starts 0.5 s later):")
        for name, f in report["fairness"].items():
            print(
                f"  {name:<26} first {f['big_n']} hashes {f['big_s']:6.2f} s, "
                f"second {f['small_n']} hashes {f['small_s']:6.2f} s, "
                f"both done {f['both_s']:6.2f} s"
            )
        print()
    payload = report["payload"]
    print(f"State update sizes (bytes, target < {PAYLOAD_TARGET_BYTES:,}):")
    for key, value in payload.items():
        if key != "target_bytes":
            print(f"  {key:<32} {value:>10,}")
    if report.get("diagnostics"):
        print()
        print(
            f"Hashing {report['diag_size']} passwords per variant "
            "(ratio = wall / (N x one hash / cores); cpu/h = CPU per hash / one-hash CPU):"
        )
        for row in report["diagnostics"]:
            others = row["cpu"]["others_cpu_s"] / row["seconds"]
            print(
                f"  {row['variant']:<46} {row['seconds']:7.2f} s  x{row['ratio']:5.3f}  "
                f"{row['hashes_per_s']:6.1f}/s  cpu/h {row['cpu_overhead']:5.3f}  "
                f"own {row['cpu']['own_cores_used']:.2f} others {others:.2f} cores"
                + (f"  ({row['note']})" if row["note"] else "")
            )


# ----------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="comma-separated batch sizes (default %(default)s)",
    )
    parser.add_argument(
        "--db-url",
        default=None,
        help="an EMPTY throw-away database (default: SQLite in a temporary folder)",
    )
    parser.add_argument("--load-size", type=int, default=LOAD_SIZE)
    parser.add_argument("--diag-size", type=int, default=DIAG_SIZE, help="0 skips the variants")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=0.0,
        help="before each measurement wait up to this many seconds for other processes to "
        "use < 0.3 cores (a shared machine); default %(default)s",
    )
    parser.add_argument(
        "--no-prototypes",
        dest="prototypes",
        action="store_false",
        help="skip the DB-write breakdown and the prototype alternatives",
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="paired rounds app vs prototypes (default 2)"
    )
    parser.add_argument("--seed", type=int, default=20_240_901)
    parser.add_argument("--output", type=Path, default=RESULTS_FILE)
    return parser.parse_args(argv)


async def run(args: argparse.Namespace, db_url: str) -> dict[str, Any]:
    """Everything, in one event loop like the app's."""
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    settings = Settings(pepper="x" * 32)
    hashing = make_password_hashing(settings)
    cores = os.cpu_count() or 1
    load_start = [round(v, 2) for v in os.getloadavg()]

    engine = make_engine(db_url)
    chunks = {f"app-{n}": n for n in sizes} | {"load-activation": args.load_size}
    if args.prototypes:
        chunks |= {
            f"pair-{r}-{k}": max(sizes)
            for r in range(args.rounds)
            for k in range(len(PROTOTYPE_VARIANTS) + 1)
        }
    fx = build_database(
        engine,
        accounts=max(max(sizes), args.load_size),
        activation_chunks=chunks,
        other=OTHER_SCHOOL_PUPILS,
        seed=args.seed,
    )
    without = sum(chunks.values())
    print(
        f"Database: {len(fx.with_account)} accounts + {without} pupils without in school A, "
        f"{OTHER_SCHOOL_PUPILS} in school B ({fx.seconds:.1f} s)",
        flush=True,
    )

    print("Lower bound: timing one hash ...", flush=True)
    lower: dict[str, Any] = {"others_cores_before": wait_for_quiet(args.quiet_wait)}
    lower.update(measure_one_hash(hashing))
    lower.update(measure_concurrent_hash(hashing, cores))

    # Register the PDF fonts once, as a running app has after its first download.
    warm_items, _, _ = plan(fx, "renewal", min(8, len(fx.with_account)))
    warm_issued = [
        IssuedCredential(
            pupil_id=i.pupil.pupil_id,
            stamnummer=i.pupil.stamnummer,
            first_name=i.pupil.first_name,
            last_name=i.pupil.last_name,
            administrative_group=i.pupil.administrative_group,
            username=i.pupil.username,
            password=i.password,
            account_type=i.pupil.account_type or AccountType.BASIS,
        )
        for i in warm_items
    ]
    build_slips_pdf(warm_issued, school_name="warm-up")
    build_credentials_xlsx(warm_issued)

    executor = bulk.hashing_pool()  # the app's own pool (hash_workers threads)
    runs = []
    for mode in ("renewal", "activation"):
        for n in sizes:
            print(f"Bulk {mode} of {n} ...", flush=True)
            result = await bulk_run(fx, mode, n, hashing, executor, lower, args.quiet_wait)
            runs.append(result)
            print(
                f"  total {result['total_s']:.2f} s, ratio {result['ratio']:.3f} "
                f"(hash {result['hash_s']:.2f}, db {result['db_s']:.2f}, "
                f"downloads {result['downloads_s']:.2f})",
                flush=True,
            )

    print("Latency of another administrator's list page ...", flush=True)
    query = make_list_query(engine, fx.school_b, fx.today)
    latency: dict[str, Any] = {}
    wait_for_quiet(args.quiet_wait)
    latency["baseline, on event loop"] = await baseline_latency(query, on_loop=True)
    latency["baseline, to_thread"] = await baseline_latency(query, on_loop=False)
    n_load = args.load_size
    print(f"  under a {n_load}-account renewal, query on the event loop ...", flush=True)
    wait_for_quiet(args.quiet_wait)
    latency[f"renewal {n_load}, on event loop (app)"] = await latency_under_load(
        fx, query, on_loop=True, hashing=hashing, executor=executor, n=n_load
    )
    print(f"  under a {n_load}-account renewal, query via to_thread ...", flush=True)
    wait_for_quiet(args.quiet_wait)
    latency[f"renewal {n_load}, to_thread"] = await latency_under_load(
        fx, query, on_loop=False, hashing=hashing, executor=executor, n=n_load
    )
    print(f"  under a {n_load}-account activation, query on the event loop ...", flush=True)
    wait_for_quiet(args.quiet_wait)
    latency[f"activation {n_load}, on event loop (app)"] = await latency_under_load(
        fx,
        query,
        on_loop=True,
        hashing=hashing,
        executor=executor,
        n=n_load,
        mode="activation",
        chunk="load-activation",
    )
    if engine.dialect.name == "sqlite":
        reader = deferred_reader_engine(db_url)
        reader_query = make_list_query(reader, fx.school_b, fx.today)
        print("  prototype A: deferred reads, set-based save ...", flush=True)
        wait_for_quiet(args.quiet_wait)
        latency[f"renewal {n_load}, A: deferred reads, set-based*"] = await latency_under_load(
            fx,
            reader_query,
            on_loop=True,
            hashing=hashing,
            executor=executor,
            n=n_load,
            downloads_on_loop=False,
            fast_save=True,
        )
        print("  prototype B: A + downloads in a process ...", flush=True)
        with ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn")
        ) as download_pool:
            # Warm the worker (imports, fonts), as a pool started with the app would be.
            await asyncio.get_running_loop().run_in_executor(
                download_pool, build_downloads, warm_issued
            )
            wait_for_quiet(args.quiet_wait)
            latency[f"renewal {n_load}, B: A + downloads in process*"] = await latency_under_load(
                fx,
                reader_query,
                on_loop=True,
                hashing=hashing,
                executor=executor,
                n=n_load,
                downloads_on_loop=False,
                download_pool=download_pool,
                fast_save=True,
            )
        reader.dispose()

    breakdown: dict[str, dict[str, float]] = {}
    prototypes: list[dict[str, Any]] = []
    if args.prototypes:
        n_max = max(sizes)
        print(f"DB write of {n_max}, step by step (rolled back) ...", flush=True)
        breakdown["renewal"] = app_save_breakdown(fx, "renewal", n_max)
        breakdown["activation"] = app_save_breakdown(fx, "activation", n_max, "pair-0-0")
        reader = deferred_reader_engine(db_url) if engine.dialect.name == "sqlite" else engine
        loop = asyncio.get_running_loop()
        with process_pool(hashing, cores, settings) as procs:
            list(procs.map(_hash_batch_in_process, [["warm"]] * cores))  # started at app start

            def via_threads(passwords: list[str]) -> Awaitable[list[str]]:
                return app_hash(passwords, hashing, executor, ProgressRecorder())

            def via_processes(passwords: list[str]) -> Awaitable[list[str]]:
                return batched_hash(
                    passwords,
                    submit=lambda chunk: loop.run_in_executor(procs, _hash_batch_in_process, chunk),
                    batch=8,
                    on_progress=ProgressRecorder(),
                )

            pools = {"threads": via_threads, "processes": via_processes}
            proc_pids = list(procs._processes)
            # Paired rounds: the app's way and each alternative back to back, so that a
            # drifting machine (shared, virtual) affects them alike.
            for round_no in range(args.rounds):
                for mode in ("renewal", "activation"):
                    print(f"Round {round_no + 1}, {mode} of {n_max}: the app ...", flush=True)
                    app_result = await bulk_run(
                        fx,
                        mode,
                        n_max,
                        hashing,
                        executor,
                        lower,
                        args.quiet_wait,
                        chunk=f"pair-{round_no}-0",
                    )
                    app_result.update(variant="app (services/bulk.py as is)", round=round_no)
                    prototypes.append(app_result)
                    print(f"  total {app_result['total_s']:.2f} s", flush=True)
                    for index, (label, pool_name, prebuild) in enumerate(PROTOTYPE_VARIANTS):
                        print(f"  {label} ...", flush=True)
                        result = await prototype_run(
                            fx,
                            reader,
                            mode,
                            n_max,
                            hash_all=pools[pool_name],
                            label=label,
                            lower=lower,
                            prebuild_downloads=prebuild,
                            quiet_wait=args.quiet_wait,
                            chunk=f"pair-{round_no}-{index + 1}",
                            pids=proc_pids if pool_name == "processes" else (),
                        )
                        result["round"] = round_no
                        prototypes.append(result)
                        print(f"  total {result['total_s']:.2f} s", flush=True)
        if reader is not engine:
            reader.dispose()

    items, _, _ = plan(fx, "renewal", min(len(fx.with_account), TABLE_PAGE_SIZE))
    payload = payload_sizes(fx, items)

    diag: list[dict[str, Any]] = []
    if args.diag_size > 0:
        print(f"Where the time goes: hashing {args.diag_size} passwords per variant", flush=True)
        diag = await diagnostics(hashing, settings, args.diag_size, lower, args.quiet_wait)
    fair: dict[str, dict[str, float]] = {}
    if args.diag_size > 0:
        big, small = args.diag_size, max(1, args.diag_size // 10)
        print(f"Two administrators at once: {big} + {small} hashes on the same pool", flush=True)
        for name, window in (("app (all queued at once)", None), ("windowed", 2 * cores)):
            wait_for_quiet(args.quiet_wait)
            fair[name] = await fairness(hashing, executor, big, small, window=window)
    lower_end = measure_one_hash(hashing)
    lower["end_of_run_median_ms"] = lower_end["median_ms"]
    lower["end_of_run_cpu_median_ms"] = lower_end["cpu_median_ms"]

    engine.dispose()
    url = make_url(db_url)
    return {
        "environment": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpu_count": cores,
            "hash_workers": executor._max_workers,
            "loadavg_start": load_start,
            "loadavg_end": [round(v, 2) for v in os.getloadavg()],
            "db_backend": url.get_backend_name(),
            "argon2_memory_kib": settings.argon2_memory_kib,
            "argon2_time_cost": settings.argon2_time_cost,
            "argon2_parallelism": settings.argon2_parallelism,
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
        "targets": {
            "ratio": RATIO_TARGET,
            "latency_p95_ms": LATENCY_TARGET_MS,
            "payload_bytes": PAYLOAD_TARGET_BYTES,
        },
        "lower_bound": lower,
        "runs": runs,
        "latency": latency,
        "payload": payload,
        "save_breakdown": breakdown,
        "prototypes": prototypes,
        "diag_size": args.diag_size,
        "fairness": fair,
        "diagnostics": diag,
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Build the database, run everything, print the tables and write the JSON."""
    args = parse_args(argv)
    folder: Path | None = None
    db_url = args.db_url
    if db_url is None:
        folder = Path(tempfile.mkdtemp(prefix="leerid-bench-bulk-"))
        db_url = f"sqlite:///{folder / 'bench.db'}"
    try:
        report = asyncio.run(run(args, db_url))
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    print_report(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=str) + "\n")
    shown = args.output.resolve()
    if shown.is_relative_to(Path.cwd()):
        shown = shown.relative_to(Path.cwd())
    print(f"\nWritten: {shown}")


if __name__ == "__main__":
    main()
