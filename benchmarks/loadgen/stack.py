"""The app under load: one worker on SQLite, or several on PostgreSQL + Redis, on loopback.

Each part is started the way production starts it (``reflex run --env prod``, backend only:
the load generator needs no pages) in a private temporary folder, and stopped afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 180


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Stack:
    """Where the app answers, its database, and the folder its parts keep their files in."""

    base_url: str
    db_url: str
    folder: Path
    workers: int
    redis_url: str | None = None


def _wait(check, what: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped while starting:\n{log.read_text()[-4000:]}")
        with contextlib.suppress(OSError):
            if check():
                return
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not start:\n{log.read_text()[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the part's own process group (its workers), SIGKILL if it lingers."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Debian's redis-server on a loopback port, without persistence (plain state inside)."""
    port = free_port()
    log = folder / "redis.log"
    process = subprocess.Popen(
        [
            "redis-server",
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(folder),
        ],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip

    def answers() -> bool:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")

    try:
        _wait(answers, "redis-server", process, log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)


def redis_for(workers: int, folder: Path) -> contextlib.AbstractContextManager[str | None]:
    """Redis for several workers (they share state there); nothing for one (state in memory)."""
    return redis_server(folder) if workers > 1 else contextlib.nullcontext(None)


@contextlib.contextmanager
def app_server(
    folder: Path, db_url: str, pepper: str, *, workers: int, redis_url: str | None
) -> Iterator[str]:
    """``reflex run --env prod --backend-only`` on a free port; yields its base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.pop("REFLEX_REDIS_URL", None)
    env.update(
        REFLEX_DB_URL=db_url,
        LEERID_PEPPER=pepper,
        LEERID_DEMO_MODE="false",
        LEERID_PUBLIC_URL=base_url,
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="false",
        REFLEX_WEB_WORKDIR=str(folder / "web"),
        REFLEX_STATES_WORKDIR=str(folder / "states"),
        GRANIAN_WORKERS=str(workers),
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REFLEX_REDIS_URL"] = redis_url
        env["LEERID_LOGIN_LIMIT_STORAGE"] = redis_url
    log = folder / "app.log"
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("reflex")),
            "run", "--env", "prod", "--backend-only",
            "--backend-port", str(port), "--loglevel", "warning",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip

    def answers() -> bool:
        with urllib.request.urlopen(f"{base_url}/ping", timeout=2) as answer:  # noqa: S310
            return b"pong" in answer.read()

    try:
        _wait(answers, "the app", process, log)
        yield base_url
    finally:
        _stop(process)
        keep = os.environ.get("LOADGEN_KEEP_LOG")
        if keep:  # for a look at what the app logged under load
            shutil.copy(log, keep)


@contextlib.contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """An empty database: a SQLite file, or a private PostgreSQL cluster (as the tests use)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'load.db'}"
        return
    from tests.pg_cluster import start_cluster

    cluster = start_cluster()
    try:
        yield cluster.url
    finally:
        cluster.stop()


@contextlib.contextmanager
def temporary_folder() -> Iterator[Path]:
    """A private folder for the parts' files, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="leerid-load-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
