"""The README's production setup, started part by part for the tests: exactly its commands.

The README section `Production at scale` holds two shell blocks: the environment (`export`
lines) and the commands that start each part. The tests read both from the README and run
them, replacing only the example ports (and the database URL and pepper) with private ones, so
a documented command that stops working fails a test.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from leerid_app import routes
from tests.e2e.conftest import TRACEBACK_MARKER, _app_env
from tests.redis_server import RedisServer, start_redis

PROJECT_ROOT = Path(__file__).resolve().parents[2]
README = PROJECT_ROOT / "README.md"
SECTION = "## Production at scale"
# The example ports of the README, and what each part is.
REDIS_PORT, APP_A_PORT, APP_B_PORT, FRONT_PORT = "6379", "8001", "8002", "3000"
START_TIMEOUT_SECONDS = 120
LOGIN_HEADING = "Aanmelden als LeerID-beheerder"


@dataclass(frozen=True)
class Documented:
    """What the README says: the environment, and one command per part in start order."""

    environment: dict[str, str]
    commands: list[list[str]]


def documented() -> Documented:
    """The two shell blocks of the README's production section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 2, "the production section has an environment and a command block"
    environment = {}
    for line in blocks[0].splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        environment[name] = value
    commands = [shlex.split(line) for line in blocks[1].splitlines() if line.strip()]
    return Documented(environment=environment, commands=commands)


def _ports_replaced(text: str, ports: dict[str, int]) -> str:
    return re.sub(r"\b(\d{4})\b", lambda m: str(ports.get(m.group(1), m.group(1))), text)


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 (loopback)
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, OSError):
        return 0, ""


@dataclass
class Part:
    """One long-running part (an app process, the front) and its log."""

    name: str
    command: list[str]
    log_path: Path
    process: subprocess.Popen | None = None
    checked_chars: int = 0

    def start(self, env: dict[str, str]) -> None:
        with self.log_path.open("a", encoding="utf-8") as log:
            log.write(f"$ {shlex.join(self.command)}\n")
            log.flush()
            self.process = subprocess.Popen(
                self.command,
                cwd=PROJECT_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the part and everything it started (its own process group)."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def workers(self) -> list[psutil.Process]:
        """The worker processes of an app process: Granian's own children (a worker's download
        process is the worker's child, not counted)."""
        assert self.process is not None
        return psutil.Process(self.process.pid).children(recursive=False)

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def new_errors(self) -> str | None:
        """The log since the last check, if it holds a Python traceback."""
        text = self.log_text()
        fresh = text[self.checked_chars :]
        self.checked_chars = len(text)
        return fresh if TRACEBACK_MARKER in fresh else None


@dataclass
class Stack:
    """PostgreSQL, Redis, two app processes and the front, as the README starts them."""

    folder: Path
    env: dict[str, str]
    ports: dict[str, int]
    redis: RedisServer
    apps: dict[str, Part] = field(default_factory=dict)
    front: Part | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports[FRONT_PORT]}"

    @property
    def db_url(self) -> str:
        return self.env["REFLEX_DB_URL"]

    def app_url(self, name: str) -> str:
        port = self.ports[APP_A_PORT if name == "A" else APP_B_PORT]
        return f"http://127.0.0.1:{port}"

    def parts(self) -> list[Part]:
        return [*self.apps.values(), *([self.front] if self.front else [])]

    def new_errors(self) -> str | None:
        """Tracebacks any part logged since the last check."""
        found = [errors for part in self.parts() if (errors := part.new_errors())]
        return "\n".join(found) or None

    def wait_serving(self, url: str) -> None:
        """Until ``url`` answers /ping and serves the login page."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            for part in self.parts():
                if part.process is not None and part.process.poll() is not None:
                    raise RuntimeError(f"{part.name} stopped:\n{part.log_text()[-4000:]}")
            if _get(f"{url}/ping")[0] == 200:
                status, body = _get(f"{url}{routes.LOGIN}/")
                if status == 200 and LOGIN_HEADING in body:
                    return
            time.sleep(0.3)
        raise RuntimeError(f"{url} did not answer within {START_TIMEOUT_SECONDS} s")

    def start_app(self, name: str) -> None:
        self.apps[name].start(self.env)
        self.wait_serving(self.app_url(name))

    def stop(self) -> None:
        for part in self.parts():
            part.stop()
        self.redis.stop()


def stack_environment(folder: Path, db_url: str, ports: dict[str, int]) -> dict[str, str]:
    """The README's environment with private ports, database and pepper; tools as in tests."""
    readme = documented()
    env = _app_env(folder, db_url, folder / "unused-pepper.key")
    env.pop("LEERID_PEPPER_FILE")
    for name, value in readme.environment.items():
        env[name] = _ports_replaced(value, ports)
    env["REFLEX_DB_URL"] = db_url
    env["LEERID_PEPPER"] = "scale-test-pepper-0123456789abcdef"
    # One web build for every stack of the run (the front's port, built in, stays the same).
    env["REFLEX_WEB_WORKDIR"] = str(folder.parent / "web")
    return env


def run_command(command: list[str], env: dict[str, str], log_path: Path) -> None:
    """Run a one-off documented command (migrate, build) to its end; fail loudly."""
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"$ {shlex.join(command)}\n")
        log.flush()
        result = subprocess.run(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
            timeout=600,
        )
    if result.returncode != 0:
        raise RuntimeError(f"`{shlex.join(command)}` failed:\n{log_path.read_text()[-4000:]}")


def local_command(command: list[str], ports: dict[str, int]) -> list[str]:
    """A README command with private ports, run with this test run's Python."""
    replaced = [_ports_replaced(arg, ports) for arg in command]
    if replaced[0] == ".venv/bin/python":
        replaced[0] = sys.executable
    return replaced


def start_stack(
    folder: Path,
    db_url: str,
    ports: dict[str, int],
    *,
    build: bool,
    extra_env: dict[str, str] | None = None,
) -> Stack:
    """Every part of the README, in its order, on private ports; seeded with the demo data."""
    folder.mkdir(parents=True, exist_ok=True)
    env = stack_environment(folder, db_url, ports) | (extra_env or {})
    commands = [local_command(c, ports) for c in documented().commands]
    redis_command, *rest = commands
    assert redis_command[0] == "redis-server"
    stack = Stack(folder=folder, env=env, ports=ports, redis=start_redis(folder, redis_command))
    try:
        for command in rest:
            action = command[2:4]
            if action == ["leerid_app.cli", "migrate"]:
                run_command(command, env, folder / "setup.log")
                # The demo data for the flows; the README's production never seeds.
                seed = [*command[:3], "seed-demo"]
                run_command(seed, env, folder / "setup.log")
            elif action == ["leerid_app.deploy", "build"]:
                if build:
                    run_command(command, env, folder / "setup.log")
            elif action == ["leerid_app.deploy", "app"]:
                name = "A" if not stack.apps else "B"
                stack.apps[name] = Part(f"app {name}", command, folder / f"app-{name}.log")
                stack.apps[name].start(env)
            elif action == ["leerid_app.deploy", "front"]:
                stack.front = Part("front", command, folder / "front.log")
                stack.front.start(env)
            else:
                raise AssertionError(f"the tests do not know how to run {command}")
        for name in stack.apps:
            stack.wait_serving(stack.app_url(name))
        stack.wait_serving(stack.url)
        for part in stack.parts():
            part.checked_chars = len(part.log_text())  # start-up chatter is not an error
    except BaseException:
        stack.stop()
        raise
    return stack
