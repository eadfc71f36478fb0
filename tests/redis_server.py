"""A private, throw-away Redis on loopback for the tests (Debian's redis-server, no persistence)."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import redis

START_TIMEOUT_SECONDS = 15


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RedisServer:
    """A running redis-server started with ``command`` (its working folder is ``folder``)."""

    command: list[str]
    port: int
    folder: Path
    process: subprocess.Popen | None = field(default=None)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self, db: int = 0) -> redis.Redis:
        """A client of this server (bytes in, bytes out)."""
        return redis.Redis(host="127.0.0.1", port=self.port, db=db)

    def start(self) -> None:
        """Start the server and wait until it answers PING."""
        log = (self.folder / "redis.log").open("a", encoding="utf-8")
        self.process = subprocess.Popen(
            self.command,
            cwd=self.folder,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            with contextlib.suppress(redis.ConnectionError):
                if self.client().ping():
                    return
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start: {self.command}")
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop the server (SIGTERM): without persistence, everything in it is gone."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def restart(self) -> None:
        """Stop, then start on the same port: an empty Redis."""
        self.stop()
        self.start()


def start_redis(folder: Path, command: Sequence[str] | None = None) -> RedisServer:
    """Start redis-server on a free loopback port; ``command`` (with its port) or the default."""
    if shutil.which("redis-server") is None:
        raise RuntimeError("Debian's redis-server is not installed (make test installs it)")
    if command is None:
        port = free_port()
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(port)]
        command += ["--save", "", "--appendonly", "no"]
    else:
        port = int(command[list(command).index("--port") + 1])
    folder.mkdir(parents=True, exist_ok=True)
    server = RedisServer(command=list(command), port=port, folder=folder)
    server.start()
    return server
