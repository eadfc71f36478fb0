"""The production setup for browser tests: one stack per module, Chromium through its front."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import Engine

from leerid_app.db import make_engine
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DEMO_PASSWORD,
    expect_pupil_list_loaded,
    login,
)
from tests.pg_cluster import PgCluster, start_cluster
from tests.redis_server import free_port
from tests.scale.stack import APP_A_PORT, APP_B_PORT, FRONT_PORT, REDIS_PORT, Stack, start_stack

expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def scale_root() -> Iterator[Path]:
    """One folder for the run: the web build (shared by every stack) and each stack's files."""
    root = Path(tempfile.mkdtemp(prefix="leerid-scale-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def front_port() -> int:
    """The front's port is built into the pages, so every stack of the run uses the same."""
    return free_port()


_built: set[Path] = set()


@pytest.fixture(scope="module")
def scale_pg() -> Iterator[PgCluster]:
    """A private PostgreSQL per module: the fault tests stop and start it."""
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def stack(
    request: pytest.FixtureRequest, scale_root: Path, front_port: int, scale_pg: PgCluster
) -> Iterator[Stack]:
    """PostgreSQL + Redis + two app processes (3 workers each) + the front, as documented."""
    ports = {
        REDIS_PORT: free_port(),
        APP_A_PORT: free_port(),
        APP_B_PORT: free_port(),
        FRONT_PORT: front_port,
    }
    folder = scale_root / request.module.__name__.rsplit(".", 1)[-1]
    # A module may tune the app (e.g. shorter heartbeats for the fault tests).
    extra_env = getattr(request.module, "STACK_ENV", {})
    running = start_stack(
        folder, scale_pg.url, ports, build=scale_root not in _built, extra_env=extra_env
    )
    _built.add(scale_root)
    yield running
    errors = running.new_errors()
    running.stop()
    if errors:
        pytest.fail(f"A part of the stack logged an error:\n{errors[-6000:]}")


@pytest.fixture(scope="module")
def stack_engine(stack: Stack) -> Iterator[Engine]:
    """The stack's database, for assertions."""
    engine = make_engine(stack.db_url)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _fail_on_stack_errors(stack: Stack) -> Iterator[None]:
    """Fail the test during which a part of the stack logged a Python traceback."""
    stack.new_errors()
    yield
    errors = stack.new_errors()
    if errors is not None:
        pytest.fail(f"The stack logged an error during this test:\n{errors[-6000:]}")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium, headless; never a browser Playwright would download."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def new_stack_context(browser: Browser, stack: Stack) -> Iterator[Callable[[], BrowserContext]]:
    """Fresh browser contexts on the front's address, closed after the test."""
    contexts: list[BrowserContext] = []

    def _new() -> BrowserContext:
        context = browser.new_context(base_url=stack.url, accept_downloads=True, locale="nl-BE")
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture
def stack_admin(new_stack_context: Callable[[], BrowserContext]) -> Callable[[str], Page]:
    """Log in through the front in a fresh context; the page is on the loaded pupil list."""

    def _login(username: str) -> Page:
        page = new_stack_context().new_page()
        login(page, username, DEMO_PASSWORD)
        expect_pupil_list_loaded(page)
        return page

    return _login
