"""What administrators do over the websocket: click through the list, or renew in bulk."""

from __future__ import annotations

import asyncio
import functools
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from benchmarks.loadgen.protocol import ProtocolError, ReflexClient, Update
from leerid_app import routes
from leerid_app.services.pupils import SortField
from leerid_app.state.auth import AuthState
from leerid_app.state.bulk import RESULT, BulkState
from leerid_app.state.pupil_detail import PupilDetailState
from leerid_app.state.pupils import ALL, STATUS_OPTIONS, PupilListState

AUTH = AuthState.get_full_name()
LIST = PupilListState.get_full_name()
DETAIL = PupilDetailState.get_full_name()
BULK = BulkState.get_full_name()
COOKIES = (f"{AUTH}.session_token", f"{AUTH}.device_cookie")
TIMEOUT_S = 60.0  # an answer later than this is an error, not a latency
BULK_TIMEOUT_S = 900.0
# The actions of an administrator who clicks through the list while others renew in bulk.
CLICKS = ("list_page", "search", "sort", "filter", "detail", "back_to_list")
BULK_STEPS = ("select_all", "open_plan", "bulk_save", "download_pdf", "download_excel")
# When an action's (last) event left the client and when the update answering it arrived.
Timing = tuple[float, float]


@dataclass
class Sample:
    """One action: its kind, when it was sent, how long until its answer, or what went wrong."""

    who: str
    action: str
    sent: float
    seconds: float
    during_bulk: bool
    error: str = ""


@dataclass
class Recorder:
    """Every sample of the run, and whether bulk work is going on right now."""

    samples: list[Sample] = field(default_factory=list)
    bulk_running: int = 0
    progress_updates: int = 0
    bulk_runs: list[dict[str, float]] = field(default_factory=list)
    largest_update: int = 0  # characters of the largest state update, downloads aside

    def saw(self, client: ReflexClient) -> None:
        """Remember the largest state update a tab received (a file download aside)."""
        sizes = [u.size for u in client.updates if not u.frontend_events("_download")]
        self.largest_update = max([self.largest_update, *sizes])

    async def timed(self, who: str, action: str, work: Callable[[], Awaitable[Timing]]) -> bool:
        """Run one action; ``work`` returns when its event left and its answer arrived."""
        during = self.bulk_running > 0
        started = time.perf_counter()
        try:
            sent, answered = await work()
        except (ProtocolError, OSError) as error:
            self.samples.append(
                Sample(who, action, started, time.perf_counter() - started, during, str(error))
            )
            return False
        self.samples.append(Sample(who, action, sent, answered - sent, during))
        return True


def _refused(update: Update) -> str:
    """A Dutch refusal or a lost session in an update, as the page would show it."""
    for redirect in update.frontend_events("_redirect"):
        if (redirect.get("payload") or {}).get("path") == routes.LOGIN:
            return "sent to the login page"
    for state in (AUTH, BULK):
        for name in ("page_error", "error", "login_error"):
            if update.has(state, name) and update.var(state, name):
                return f"{name}: {update.var(state, name)}"
    return ""


async def _act(
    client: ReflexClient,
    start: Callable[[], Awaitable[float]],
    done: Callable[[Update], bool],
    timeout: float = TIMEOUT_S,
) -> Timing:
    """Send what the click sends and wait for the update it waits for; a refusal raises."""
    since = len(client.updates)
    sent = await start()

    def finished(update: Update) -> bool:
        return bool(_refused(update)) or done(update)

    update = await client.wait_for(finished, since=since, timeout=timeout)
    if reason := _refused(update):
        raise ProtocolError(reason)
    return sent, update.received


def _rows(update: Update) -> bool:
    # On the list page: a tab whose owner changed (the login itself) has its rows reset too.
    return update.path == routes.PUPILS and update.has(LIST, "rows")


async def log_in(client: ReflexClient, username: str, password: str) -> Timing:
    """The login form, then the start page's rows (the redirect is followed as a browser does)."""
    await client.connect(routes.LOGIN)
    form = {"form_data": {"username": username, "password": password}}
    return await _act(client, lambda: client.send(f"{AUTH}.log_in", form), _rows)


async def log_out(client: ReflexClient) -> Timing:
    """`Afmelden`: the session ends on the server and the tab is sent to the login page."""
    since = len(client.updates)
    sent = await client.send(f"{AUTH}.log_out")

    def at_login(update: Update) -> bool:
        return any(
            (redirect.get("payload") or {}).get("path") == routes.LOGIN
            for redirect in update.frontend_events("_redirect")
        )

    update = await client.wait_for(at_login, since=since, timeout=TIMEOUT_S)
    return sent, update.received


def new_client(base_url: str) -> ReflexClient:
    """A fresh tab that keeps the app's cookies as a browser does."""
    return ReflexClient(base_url, cookie_vars=COOKIES)


async def click_once(client: ReflexClient, action: str, rng: random.Random) -> Timing:
    """One click of an administrator on the list or detail page."""
    send = client.send
    if action == "back_to_list":
        return await _act(client, lambda: client.navigate(routes.PUPILS), _rows)
    if client.path != routes.PUPILS:  # the list's handlers act on the list page
        await _act(client, lambda: client.navigate(routes.PUPILS), _rows)
    rows = client.value(LIST, "rows", []) or []
    if action == "list_page":
        pages = int(client.value(LIST, "page_count", 1) or 1)
        payload = {"page": rng.randint(1, pages)}
        return await _act(client, lambda: send(f"{LIST}.go_to_page", payload), _rows)
    if action == "search":
        term = rng.choice(rows)[rng.choice(("last_name", "stamnummer"))][:4] if rows else "a"
        term = "" if client.value(LIST, "search") else term  # search, then clear it again
        return await _act(client, lambda: send(f"{LIST}.set_search", {"value": term}), _rows)
    if action == "sort":
        field_name = rng.choice([sort.value for sort in SortField])
        return await _act(client, lambda: send(f"{LIST}.sort_by", {"field": field_name}), _rows)
    if action == "filter":
        # A status filter, then back to every pupil, as someone looking for one pupil does.
        filtered = client.value(LIST, "status", ALL) != ALL
        value = "" if filtered else rng.choice(STATUS_OPTIONS)
        return await _act(client, lambda: send(f"{LIST}.set_status", {"value": value}), _rows)
    if action == "detail":
        if not rows:  # a filter left nothing to open: back to every pupil first
            await _act(client, lambda: send(f"{LIST}.clear_filters"), _rows)
            rows = client.value(LIST, "rows", []) or []
        if not rows:
            raise ProtocolError("no rows on the list to open")
        pupil_id = int(rng.choice(rows)["id"])
        return await _act(
            client,
            lambda: client.navigate(routes.pupil_detail(pupil_id)),
            lambda update: update.path != routes.PUPILS and update.has(DETAIL, "pupil"),
        )
    raise ValueError(action)


async def clicker(
    recorder: Recorder,
    base_url: str,
    username: str,
    password: str,
    *,
    until: Callable[[], bool],
    think: float,
    seed: int,
) -> None:
    """An administrator clicking through lists, searches, sorting and details until told."""
    rng = random.Random(seed)
    client = new_client(base_url)
    try:
        if not await recorder.timed(username, "login", lambda: log_in(client, username, password)):
            return
        while not until():
            # Every kind of click once per round, in a random order: each gets measured.
            for action in rng.sample(CLICKS, len(CLICKS)):
                click = functools.partial(click_once, client, action, rng)
                await recorder.timed(username, action, click)
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        await recorder.timed(username, "logout", lambda: log_out(client))
    finally:
        recorder.saw(client)
        await client.close()


async def bulk_renewal(
    recorder: Recorder, base_url: str, username: str, password: str, reading_s: float = 0.0
) -> None:
    """An administrator who selects the whole school, renews every password, downloads both.

    ``reading_s``: how long the administrator reads the plan before `Bewaren en afdrukken`.
    """
    client = new_client(base_url)
    try:
        if not await recorder.timed(username, "login", lambda: log_in(client, username, password)):
            return
        recorder.bulk_running += 1
        started = time.perf_counter()
        try:
            await _bulk_steps(recorder, client, username, reading_s)
        finally:
            recorder.bulk_running -= 1
        recorder.bulk_runs.append(
            {
                "accounts": int(client.value(BULK, "result_total", 0) or 0),
                "save_s": next(
                    (s.seconds for s in reversed(recorder.samples)
                     if s.who == username and s.action == "bulk_save" and not s.error),
                    float("nan"),
                ),
                "total_s": time.perf_counter() - started,
            }
        )  # fmt: skip
        await recorder.timed(username, "logout", lambda: log_out(client))
    finally:
        recorder.saw(client)
        await client.close()


async def _bulk_steps(recorder: Recorder, client: ReflexClient, who: str, reading_s: float) -> None:
    send = client.send

    def result(update: Update) -> bool:
        if update.has(BULK, "progress_done"):
            recorder.progress_updates += 1
        return update.has(BULK, "phase") and update.var(BULK, "phase") == RESULT

    steps: list[tuple[str, Callable[[], Awaitable[Timing]]]] = [
        (
            "select_all",
            lambda: _act(
                client,
                lambda: send(f"{LIST}.select_all_matching"),
                lambda u: u.has(LIST, "selected_count"),
            ),
        ),
        (
            "open_plan",
            lambda: _act(
                client,
                lambda: client.navigate(routes.BULK_RENEW),
                lambda u: u.path == routes.BULK_RENEW and u.has(BULK, "planned_total"),
            ),
        ),
        (
            "bulk_save",
            lambda: _act(
                client, lambda: send(f"{BULK}.save", {"confirmed": True}), result, BULK_TIMEOUT_S
            ),
        ),
        (
            "download_pdf",
            lambda: _act(
                client,
                lambda: send(f"{BULK}.download_pdf"),
                lambda u: bool(u.frontend_events("_download")),
            ),
        ),
        (
            "download_excel",
            lambda: _act(
                client,
                lambda: send(f"{BULK}.download_excel"),
                lambda u: bool(u.frontend_events("_download")),
            ),
        ),
    ]
    for action, work in steps:
        if action == "bulk_save":
            await asyncio.sleep(reading_s)
        if not await recorder.timed(who, action, work):
            return


async def run_load(
    base_url: str,
    clickers: list[tuple[str, str]],
    bulk_admins: list[tuple[str, str]],
    *,
    baseline_s: float,
    min_s: float,
    think: float,
    reading_s: float = 0.0,
    seed: int = 1,
) -> Recorder:
    """Clickers from the start; after ``baseline_s`` the bulk runs; all stop together.

    The clickers go on until every bulk run ended and at least ``min_s`` passed.
    """
    recorder = Recorder()
    begin = time.monotonic()
    bulk_tasks: list[asyncio.Task] = []

    def finished() -> bool:
        started = len(bulk_tasks) == len(bulk_admins)
        return started and all(t.done() for t in bulk_tasks) and time.monotonic() - begin >= min_s

    clicking = [
        asyncio.create_task(
            clicker(recorder, base_url, user, password, until=finished, think=think, seed=seed + i)
        )
        for i, (user, password) in enumerate(clickers)
    ]
    await asyncio.sleep(baseline_s)
    bulk_tasks += [
        asyncio.create_task(bulk_renewal(recorder, base_url, user, password, reading_s))
        for user, password in bulk_admins
    ]
    await asyncio.gather(*bulk_tasks, *clicking)
    return recorder
