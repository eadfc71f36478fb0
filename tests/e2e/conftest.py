"""The real app in a subprocess on a fresh demo database, and Chromium to drive it.

One app and one browser serve the whole session: ``live_app`` migrates and seeds a private
SQLite database in a temporary folder, starts ``reflex run --env prod`` on a free port (the
way ``make run`` does, but isolated: its own database, pepper file and frontend build folder,
so a developer's server keeps running untouched) and stops it afterwards. A Python traceback
in the app's output fails the test during which it appeared.
"""

from __future__ import annotations

import contextlib
import email
import email.message
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import BrowserContext, Locator, Page, expect
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from leerid_app import routes
from leerid_app.db import make_engine
from leerid_app.models import AuditEvent, LeerIDAccount, Pupil, School
from leerid_app.services.audit import AuditAction
from leerid_app.services.demo import DEMO_ADMIN_PASSWORD, DEMO_SCHOOL
from leerid_app.services.hashing import PasswordHashing, make_password_hashing
from leerid_app.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The Makefile installs one of these two, depending on the CPU (see BUN_PKG there).
BUN_CANDIDATES = tuple(
    PROJECT_ROOT / ".tools" / "bun" / "node_modules" / "@oven" / package / "bin" / "bun"
    for package in ("bun-linux-x64", "bun-linux-x64-baseline")
)
START_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 15
TRACEBACK_MARKER = "Traceback (most recent call last)"
LOG_TAIL_CHARS = 6000

DEMO_ADMIN = "beheerder"
DEMO_ADMIN_B = "beheerder.b"
DEMO_PASSWORD = DEMO_ADMIN_PASSWORD
LOGIN_HEADING = "Aanmelden als LeerID-beheerder"
TOTAL_LOADED = re.compile(r"^Totaal aantal rijen: [1-9]\d*$")

# The server answers within milliseconds, but a first render after a build can take a while.
expect.set_options(timeout=15_000)


@dataclass
class LiveApp:
    """The running app: where to reach it, and its database for assertions."""

    base_url: str
    db_url: str
    engine: Engine
    pepper_file: Path
    folder: Path
    log_path: Path
    process: subprocess.Popen
    checked_log_chars: int = field(default=0)

    @cached_property
    def hashing(self) -> PasswordHashing:
        """The app's hasher: the same pepper file, never the unit tests' LEERID_PEPPER."""
        return make_password_hashing(Settings(pepper_file=self.pepper_file, pepper=None))

    def url(self, path: str) -> str:
        """An absolute URL on the app."""
        return f"{self.base_url}{path}"

    def log_text(self) -> str:
        """Everything the server printed so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, text: str | None = None) -> str:
        """The end of the server output, for failure messages."""
        text = self.log_text() if text is None else text
        return text[-LOG_TAIL_CHARS:]

    def new_errors(self) -> str | None:
        """The server output since the last check, if it holds a Python traceback."""
        text = self.log_text()
        fresh = text[self.checked_log_chars :]
        self.checked_log_chars = len(text)
        return fresh if TRACEBACK_MARKER in fresh else None


def _free_port() -> int:
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in (3000, 8000):  # a developer's `make run` may want these
            return port


def _bun_path() -> str:
    configured = os.environ.get("REFLEX_BUN_PATH")
    if configured:
        return configured
    for candidate in BUN_CANDIDATES:
        if candidate.exists():
            return str(candidate)
    pytest.fail("bun is missing: run `make setup` first (it installs bun into .tools/bun)")


def _npm_registry() -> str | None:
    if os.environ.get("NPM_CONFIG_REGISTRY"):
        return os.environ["NPM_CONFIG_REGISTRY"]
    npm = shutil.which("npm")
    if npm is None:
        return None
    result = subprocess.run(
        [npm, "config", "get", "registry"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or None


def _app_env(folder: Path, db_url: str, pepper_file: Path) -> dict[str, str]:
    env = dict(os.environ)
    # The unit tests' fixed pepper must not leak in: the app creates and uses its own file.
    env.pop("LEERID_PEPPER", None)
    env.pop("REFLEX_REDIS_URL", None)  # one worker, state in memory
    env.update(
        REFLEX_DB_URL=db_url,
        LEERID_PEPPER_FILE=str(pepper_file),
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="false",
        REFLEX_BUN_PATH=_bun_path(),
        # A private frontend build folder: rebuilding the project's .web/ would disturb a
        # developer's server that serves from it.
        REFLEX_WEB_WORKDIR=str(folder / "web"),
        REFLEX_STATES_WORKDIR=str(folder / "states"),
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONUNBUFFERED="1",
    )
    registry = _npm_registry()
    if registry:
        env["NPM_CONFIG_REGISTRY"] = registry
    return env


def _reflex_command() -> str:
    beside_python = Path(sys.executable).with_name("reflex")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("reflex")
    if found is None:
        pytest.fail("reflex is not installed in this environment")
    return found


def _run_cli(args: list[str], env: dict[str, str], log_path: Path) -> None:
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"$ python -m leerid_app.cli {' '.join(args)}\n")
        log.flush()
        result = subprocess.run(
            [sys.executable, "-m", "leerid_app.cli", *args],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
            timeout=300,
        )
    if result.returncode != 0:
        pytest.fail(f"`leerid_app.cli {' '.join(args)}` failed:\n{log_path.read_text()}")


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 (http on loopback)
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, OSError):
        return 0, ""


def _wait_until_serving(app: LiveApp) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            pytest.fail(f"The app stopped while starting:\n{app.log_tail()}")
        # In prod mode one port serves both the backend (/ping) and the built pages.
        ping_status, ping_body = _get(app.url("/ping"))
        if ping_status == 200 and "pong" in ping_body:
            page_status, page_body = _get(app.url(f"{routes.LOGIN}/"))
            if page_status == 200 and LOGIN_HEADING in page_body:
                return
        time.sleep(0.5)
    pytest.fail(f"The app did not answer within {START_TIMEOUT_SECONDS} s:\n{app.log_tail()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    # start_new_session made the app the leader of its own group: this reaches the backend
    # workers and the frontend tooling it started, and nothing else.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    # Children that outlived the leader still belong to the group.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


class SmtpInbox:
    """A real SMTP server (aiosmtpd) on loopback that keeps every message the app sends."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.port = _free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802 (aiosmtpd API)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def text_of(self, message: email.message.Message) -> str:
        """The plain-text part of a message."""
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                return part.get_payload(decode=True).decode()
        return ""

    def wait_for(self, to: str, subject_part: str, count_before: int) -> email.message.Message:
        """The first message to ``to`` whose subject holds ``subject_part``, after the first
        ``count_before`` messages; waits a few seconds for it."""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            for message in self.messages[count_before:]:
                if message["To"] == to and subject_part in str(message["Subject"]):
                    return message
            time.sleep(0.1)
        pytest.fail(f"no mail to {to} about {subject_part!r}; got {len(self.messages)} mails")


@pytest.fixture(scope="session")
def smtp_inbox() -> Iterator[SmtpInbox]:
    """The SMTP server the app under test sends its mail to."""
    inbox = SmtpInbox()
    inbox._controller.start()
    yield inbox
    inbox._controller.stop()


@pytest.fixture(scope="session")
def live_app(smtp_inbox: SmtpInbox) -> Iterator[LiveApp]:
    """The real app on a fresh demo database, for the whole session; mails go to smtp_inbox."""
    folder = Path(tempfile.mkdtemp(prefix="leerid-e2e-"))
    db_url = f"sqlite:///{folder / 'leerid.db'}"
    pepper_file = folder / "pepper.key"
    log_path = folder / "server.log"
    env = _app_env(folder, db_url, pepper_file)
    env.update(
        LEERID_SMTP_HOST="127.0.0.1",
        LEERID_SMTP_PORT=str(smtp_inbox.port),
        LEERID_SMTP_STARTTLS="false",  # a loopback test server; STARTTLS has a service test
        LEERID_DEMO_MODE="false",
    )
    process: subprocess.Popen | None = None
    engine: Engine | None = None
    try:
        _run_cli(["migrate"], env, log_path)
        _run_cli(["seed-demo"], env, log_path)
        port = _free_port()
        # The only origin the app answers (CORS, websocket): where the browser reaches it.
        env["LEERID_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
        env["LEERID_PORTAL_BASE_URL"] = f"http://127.0.0.1:{port}{routes.PORTAL_LOGIN}"
        with log_path.open("a", encoding="utf-8") as log:
            log.write(f"$ reflex run --env prod on port {port}\n")
            log.flush()
            process = subprocess.Popen(
                [
                    _reflex_command(),
                    "run",
                    "--env",
                    "prod",
                    "--frontend-port",
                    str(port),
                    "--backend-port",
                    str(port),
                    "--loglevel",
                    "warning",
                ],
                cwd=PROJECT_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        engine = make_engine(db_url)
        app = LiveApp(
            base_url=f"http://127.0.0.1:{port}",
            db_url=db_url,
            engine=engine,
            pepper_file=pepper_file,
            folder=folder,
            log_path=log_path,
            process=process,
        )
        _wait_until_serving(app)
        app.checked_log_chars = len(app.log_text())  # start-up chatter is not an error
        yield app
        errors = app.new_errors()
        if errors is not None:
            pytest.fail(f"The app logged an error:\n{app.log_tail(errors)}")
    finally:
        if process is not None:
            _stop(process)
        if engine is not None:
            engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fail_on_app_errors(live_app: LiveApp) -> Iterator[None]:
    """Fail the test during which the app logged a Python traceback (or stopped)."""
    live_app.new_errors()  # anything earlier was reported already
    if live_app.process.poll() is not None:
        pytest.fail(
            f"The app stopped (exit status {live_app.process.returncode}):\n{live_app.log_tail()}"
        )
    yield
    errors = live_app.new_errors()
    if errors is not None:
        pytest.fail(f"The app logged an error during this test:\n{live_app.log_tail(errors)}")
    if live_app.process.poll() is not None:
        pytest.fail(
            f"The app stopped during this test (exit status {live_app.process.returncode}):\n"
            f"{live_app.log_tail()}"
        )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium, headless; never a browser Playwright would download."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_app: LiveApp) -> str:
    """Relative URLs in page.goto() go to the live app."""
    return live_app.base_url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict, live_app: LiveApp) -> dict:
    """Every page talks to the live app, in Flemish Dutch, and may download files."""
    return {
        **browser_context_args,
        "base_url": live_app.base_url,
        "accept_downloads": True,
        "locale": "nl-BE",
    }


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    """A fresh browser context (no cookies) with generous action timeouts."""
    browser_context = new_context()
    browser_context.set_default_timeout(15_000)
    return browser_context


def wait_for_hydration(page: Page, selector: str = "form") -> None:
    """Wait until React took over the server-rendered element (its handlers are attached).

    Reflex pre-renders every page, so the static parts show before the app runs: clicking a
    button or submitting a form earlier would do nothing, or submit natively.
    """
    page.wait_for_function(
        """selector => {
            const element = document.querySelector(selector);
            return !!element && Object.keys(element).some((key) => key.startsWith("__reactProps"));
        }""",
        arg=selector,
    )


def open_login_page(page: Page) -> None:
    """The login page, ready for input."""
    page.goto(routes.LOGIN)
    expect(page.get_by_text(LOGIN_HEADING)).to_be_visible()
    wait_for_hydration(page, "form")


def login(page: Page, username: str, password: str) -> None:
    """Fill in and submit the login form as a user would; the caller checks the outcome."""
    if not page.url.rstrip("/").endswith(routes.LOGIN):
        open_login_page(page)
    else:
        wait_for_hydration(page, "form")
    page.get_by_label("Gebruikersnaam", exact=True).fill(username)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Aanmelden", exact=True).click()


def expect_pupil_list_loaded(page: Page) -> None:
    """The start page with the rows read from the server (not the pre-rendered empty table)."""
    expect(page.get_by_text(TOTAL_LOADED)).to_be_visible()


def expect_login_page(page: Page, live_app: LiveApp) -> None:
    """On the login page, with the login form shown."""
    expect(page).to_have_url(re.compile(re.escape(live_app.url(routes.LOGIN)) + r"/?$"))
    expect(page.get_by_text(LOGIN_HEADING)).to_be_visible()
    expect(page.get_by_role("button", name="Aanmelden", exact=True)).to_be_visible()


@pytest.fixture
def login_as(
    new_context: Callable[..., BrowserContext],
) -> Callable[[str], Page]:
    """Log in through the form in a fresh context; returns the page on the loaded pupil list."""

    def _login_as(username: str, password: str = DEMO_PASSWORD) -> Page:
        browser_context = new_context()
        browser_context.set_default_timeout(15_000)
        page = browser_context.new_page()
        login(page, username, password)
        expect_pupil_list_loaded(page)
        return page

    return _login_as


@pytest.fixture
def admin_page(login_as: Callable[[str], Page]) -> Page:
    """A fresh context logged in as `beheerder`, on the pupil list of the first school."""
    return login_as(DEMO_ADMIN)


# --- Reading the database the app uses -----------------------------------------------------


def school_id(live_app: LiveApp, name: str) -> int:
    """The id of a demo school."""
    with Session(live_app.engine) as session:
        found = session.exec(select(School.id).where(School.name == name)).one()
    return found


def find_pupil(live_app: LiveApp, stamnummer: str, school: str = DEMO_SCHOOL) -> Pupil:
    """A pupil of a school, by stamnummer."""
    with Session(live_app.engine, expire_on_commit=False) as session:
        return session.exec(
            select(Pupil)
            .join(School, col(School.id) == col(Pupil.school_id))
            .where(School.name == school, Pupil.stamnummer == stamnummer)
        ).one()


def find_account(live_app: LiveApp, pupil_id: int) -> LeerIDAccount | None:
    """The LeerID of a pupil as the database has it now."""
    with Session(live_app.engine, expire_on_commit=False) as session:
        return session.exec(
            select(LeerIDAccount).where(LeerIDAccount.pupil_id == pupil_id)
        ).one_or_none()


def last_audit_id(live_app: LiveApp) -> int:
    """The id of the newest audit event (0 when there is none)."""
    with Session(live_app.engine) as session:
        newest = session.exec(select(AuditEvent.id).order_by(col(AuditEvent.id).desc())).first()
    return newest or 0


def audit_since(live_app: LiveApp, after_id: int, action: AuditAction) -> list[AuditEvent]:
    """The audit events of one action newer than ``after_id``, oldest first."""
    with Session(live_app.engine, expire_on_commit=False) as session:
        return list(
            session.exec(
                select(AuditEvent)
                .where(col(AuditEvent.id) > after_id, AuditEvent.action == action.value)
                .order_by(col(AuditEvent.id))
            )
        )


def school_pupils_in_list_order(
    live_app: LiveApp, school: str = DEMO_SCHOOL, *, descending: bool = False
) -> list[Pupil]:
    """The school's pupils in the list's default order: the folded name key, then the id."""
    order = (
        [col(Pupil.sort_key).desc(), col(Pupil.id).desc()]
        if descending
        else [col(Pupil.sort_key).asc(), col(Pupil.id).asc()]
    )
    with Session(live_app.engine, expire_on_commit=False) as session:
        return list(
            session.exec(
                select(Pupil)
                .join(School, col(School.id) == col(Pupil.school_id))
                .where(School.name == school)
                .order_by(*order)
            )
        )


# --- Finding things on the pupil list --------------------------------------------------------

LIST_COLUMNS = ("", "Stamnummer", "Voornaam", "Naam", "Administratieve groep", "Status", "Type")


def pupil_rows(page: Page) -> Locator:
    """The body rows of INGESCHREVEN LEERLINGEN."""
    return page.get_by_role("table").locator("tbody").get_by_role("row")


def column_cells(page: Page, column: str) -> Locator:
    """The cells of one column of the pupil list, top to bottom."""
    index = LIST_COLUMNS.index(column) + 1
    return page.get_by_role("table").locator(f"tbody tr > td:nth-child({index})")


def total_text(total: int) -> str:
    """The line above the table."""
    return f"Totaal aantal rijen: {total}"


def expect_total(page: Page, total: int) -> None:
    """The list shows this many matching pupils."""
    expect(page.get_by_text(total_text(total), exact=True)).to_be_visible()


def expect_selected(page: Page, count: int) -> None:
    """`Aantal geselecteerde leerlingen: N`."""
    expect(
        page.get_by_text(f"Aantal geselecteerde leerlingen: {count}", exact=True)
    ).to_be_visible()


def search(page: Page, text: str) -> None:
    """Type into the free-text filter (the app waits 300 ms before it queries)."""
    page.get_by_role("searchbox", name="zoek op stamnummer, naam of voornaam").fill(text)


def choose_filter(page: Page, label: str, option: str) -> None:
    """Pick an option in one of the filter drop-downs (Administratieve groep, Status, Type)."""
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(page.get_by_role("combobox", name=label)).to_have_text(option)
