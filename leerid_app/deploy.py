"""Production launcher: build the pages once, run app processes with several workers, a front."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from leerid_app.settings import PROJECT_ROOT

APP_TARGET = "leerid_app.leerid_app:app"
# A killed worker is replaced at once; Granian's default waits 3.5 s.
RESPAWN_INTERVAL_SECONDS = 0.5
# Every worker of every app process answers /ping; a dead one leaves the rotation in ~2 s.
HEALTH_CHECK_INTERVAL = "1s"

HAPROXY_CONFIG = """\
global
    maxconn 4096

defaults
    mode http
    option http-server-close
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    # A websocket lives as long as its tab; the socket.io pings keep it busy.
    timeout tunnel 1h
    # A request that found a stopped app process is sent to another one.
    option redispatch
    retries 3

frontend leerid
    bind {bind}
    default_backend apps

backend apps
    # No stickiness: the state lives in Redis, any worker of any app process may answer.
    balance roundrobin
    option httpchk GET /ping
    http-check expect string pong
    default-server inter {interval} fall 2 rise 1
{servers}
"""


def _reflex_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
    env.setdefault("REFLEX_CHECK_LATEST_VERSION", "false")
    return env


def build(_args: argparse.Namespace) -> int:
    """Compile the pages into .web/build/client (or REFLEX_WEB_WORKDIR), for every app process.

    The pages connect their websocket to the public address (the front), so it is built in.
    """
    env = _reflex_env()
    env.setdefault("REFLEX_API_URL", env.get("LEERID_PUBLIC_URL", "http://localhost:3000"))
    reflex = Path(sys.executable).with_name("reflex")
    command = [str(reflex), "export", "--frontend-only", "--no-zip", "--env", "prod"]
    # Our own fixed command line, no shell.
    return subprocess.run(command, cwd=PROJECT_ROOT, env=env, check=False).returncode  # noqa: S603


def serve_app(args: argparse.Namespace) -> int:
    """One app process ("machine"): Granian with several workers, pages and events on one port.

    ``reflex run --env prod`` starts Granian without respawn, so one killed worker stops them
    all; this starts the same app the same way, with failed workers replaced.
    """
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server
    from reflex_base import constants
    from reflex_base.environment import environment

    if not os.environ.get("REFLEX_REDIS_URL") and args.workers > 1:
        print("Several workers need REFLEX_REDIS_URL (their shared state).", file=sys.stderr)
        return 2
    os.environ.update(_reflex_env())
    # What `reflex run --env prod` sets for its backend: serve the built pages too, and do not
    # compile again in every worker.
    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.set(True)
    environment.REFLEX_SKIP_COMPILE.set(True)
    os.chdir(PROJECT_ROOT)
    sys.path.insert(0, str(PROJECT_ROOT))
    Server(
        target=APP_TARGET,
        factory=True,
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI,
        workers=args.workers,
        respawn_failed_workers=True,
        respawn_interval=RESPAWN_INTERVAL_SECONDS,
        workers_kill_timeout=5,
        log_level=LogLevels(args.loglevel),
    ).serve()
    return 0


def haproxy_config(bind: str, apps: Sequence[str]) -> str:
    """The front's configuration: round robin over the app processes, health-checked."""
    servers = "\n".join(f"    server app{n} {address} check" for n, address in enumerate(apps, 1))
    return HAPROXY_CONFIG.format(bind=bind, servers=servers, interval=HEALTH_CHECK_INTERVAL)


def serve_front(args: argparse.Namespace) -> int:
    """The one public address: HAProxy in front of the app processes (runs in the foreground)."""
    config = haproxy_config(f"{args.host}:{args.port}", args.app)
    if args.print_config:
        print(config, end="")
        return 0
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    with tempfile.NamedTemporaryFile("w", prefix="leerid-front-", suffix=".cfg") as file:
        file.write(config)
        file.flush()
        # -db: stay in the foreground, stop on SIGTERM/SIGINT like the other parts.
        command = [haproxy, "-db", "-f", file.name]
        return subprocess.run(command, check=False).returncode  # noqa: S603 (no shell, own args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``python -m leerid_app.deploy {build,app,front}``."""
    parser = argparse.ArgumentParser(prog="python -m leerid_app.deploy", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    build_parser = commands.add_parser("build", help="compile the pages (once per release)")
    build_parser.set_defaults(run=build)

    app_parser = commands.add_parser("app", help="one app process with several workers")
    app_parser.add_argument("--host", default="127.0.0.1")
    app_parser.add_argument("--port", type=int, default=8001)
    app_parser.add_argument("--workers", type=int, default=3)
    app_parser.add_argument(
        "--loglevel", default="warning", choices=["debug", "info", "warning", "error"]
    )
    app_parser.set_defaults(run=serve_app)

    front_parser = commands.add_parser("front", help="HAProxy in front of the app processes")
    front_parser.add_argument("--host", default="127.0.0.1")
    front_parser.add_argument("--port", type=int, default=3000)
    front_parser.add_argument(
        "--app", action="append", required=True, help="host:port of an app process (repeat)"
    )
    front_parser.add_argument("--print-config", action="store_true")
    front_parser.set_defaults(run=serve_front)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
