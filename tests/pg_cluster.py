"""A private, throw-away PostgreSQL cluster on loopback for the tests (Debian's server binaries)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PG_BIN_CANDIDATES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _pg_bin(name: str) -> str:
    for folder in PG_BIN_CANDIDATES:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (make test installs it)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PgCluster:
    """A running cluster; ``url`` points at its empty ``leerid_test`` database."""

    data_dir: Path
    port: int
    run_as: list[str]
    options: str = ""

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/leerid_test"

    def stop(self) -> None:
        self.stop_server()
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)

    def stop_server(self) -> None:
        """Stop the server at once (every connection dropped), keeping its data."""
        subprocess.run(
            [*self.run_as, _pg_bin("pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )

    def start_server(self) -> None:
        """Start the server again on the same port and data."""
        _pg_ctl_start(self.data_dir, self.options, self.run_as)


def _pg_ctl_start(data_dir: Path, options: str, run_as: list[str]) -> None:
    subprocess.run(
        [
            *run_as,
            _pg_bin("pg_ctl"),
            "-D",
            str(data_dir),
            "-o",
            options,
            "-l",
            str(data_dir.parent / "server.log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )


def start_cluster() -> PgCluster:
    """initdb + pg_ctl start on a free loopback port, socket in the cluster's own folder."""
    root = Path(tempfile.mkdtemp(prefix="leerid-pg-"))
    data_dir = root / "data"
    run_as: list[str] = []
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: hand the folder to the postgres user.
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [
            *run_as,
            _pg_bin("initdb"),
            "-D",
            str(data_dir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    _pg_ctl_start(data_dir, options, run_as)
    cluster = PgCluster(data_dir=data_dir, port=port, run_as=run_as, options=options)
    deadline = time.monotonic() + 30
    while True:
        result = subprocess.run(
            [
                *run_as,
                _pg_bin("createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "leerid_test",
            ],
            capture_output=True,
            check=False,
        )
        if result.returncode == 0:
            return cluster
        if time.monotonic() > deadline:
            cluster.stop()
            raise RuntimeError(f"createdb failed: {result.stderr.decode()}")
        time.sleep(0.2)
