"""Issue 8 in a real browser and over the raw websocket: sessions, throttling, refusals, leaving."""

from __future__ import annotations

import json
import re
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import websocket
from playwright.sync_api import BrowserContext, Dialog, Page, expect
from sqlmodel import Session, select

from leerid_app import routes, texts
from leerid_app.models import Administrator, AdministratorSchool, AuditEvent, Pupil, School
from leerid_app.services.audit import AuditAction
from leerid_app.services.demo import DEMO_SCHOOL, SECOND_SCHOOL
from tests.e2e.conftest import (
    DEMO_PASSWORD,
    LiveApp,
    column_cells,
    expect_login_page,
    expect_pupil_list_loaded,
    find_pupil,
    login,
    search,
)

pytestmark = pytest.mark.e2e

SAVE = "Bewaren en afdrukken"
RENEW_HEADING = "Bulk: genereer nieuw wachtwoord"
RESULT_TABLE = "LEERID'S MET NIEUW WACHTWOORD"
DOWNLOAD_PDF = "Download een PDF met LeerID gebruikersnamen en wachtwoorden"
STATE = "reflex___state____state"
AUTH = f"{STATE}.leerid_app___state___auth____auth_state"
PUPILS = f"{AUTH}.leerid_app___state___pupils____pupil_list_state"
REFLEX_VERSION = "0.10.1"


# --- Helpers --------------------------------------------------------------------------------------


def _select(page: Page, stamnummer: str, name: str) -> None:
    search(page, stamnummer)
    expect(column_cells(page, "Stamnummer")).to_have_text([stamnummer])
    box = page.get_by_role("checkbox", name=f"Selecteer {name}", exact=True)
    box.click()
    expect(box).to_be_checked()


def _bulk_result(page: Page) -> list[str]:
    """Renew Ardalan Bhatti and Amani Bockstal; the passwords the result page shows."""
    _select(page, "32890", "Ardalan Bhatti")
    _select(page, "80240", "Amani Bockstal")
    page.get_by_role("button", name="Vernieuw wachtwoord", exact=True).click()
    expect(page.get_by_role("heading", name=RENEW_HEADING, exact=True)).to_be_visible()
    page.get_by_role("button", name=SAVE).click()
    expect(page.get_by_text("2 LeerID's hebben een nieuw wachtwoord", exact=True)).to_be_visible()
    # One result table per account type (the manual's headings): read them all.
    table = (
        page.get_by_role("main")
        .locator("table")
        .filter(has=page.locator("caption", has_text="MET NIEUW"))
    )
    expect(table.locator("tbody").get_by_role("row")).to_have_count(2)
    passwords = [text.strip() for text in table.locator("tbody code").all_inner_texts()]
    assert len(passwords) == 2 and all(passwords)
    return passwords


def _client_token(page: Page) -> str:
    return page.evaluate("() => window.sessionStorage.getItem('token')")


def _session_cookie(context: BrowserContext) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "leerid_session")


class RawClient:
    """A hostile client on the websocket: any client token, any cookie, any event."""

    def __init__(self, live_app: LiveApp, token: str, origin: str | None = None) -> None:
        url = live_app.base_url.replace("http://", "ws://")
        self.socket = websocket.create_connection(
            f"{url}/_event/?EIO=4&transport=websocket&token={token}",
            subprotocols=[REFLEX_VERSION],
            origin=origin or live_app.base_url,
            timeout=10,
        )
        assert self.socket.recv().startswith("0")
        self.socket.send("40/_event,")
        self.received: list[str] = []

    def send(self, name: str, payload: dict, path: str = "/") -> None:
        event = {
            "name": name,
            "payload": payload,
            "router_data": {"pathname": path, "asPath": path},
        }
        self.socket.send("42/_event," + json.dumps(["event", event]))

    def read_for(self, seconds: float) -> str:
        end = time.monotonic() + seconds
        self.socket.settimeout(0.2)
        while time.monotonic() < end:
            try:
                message = self.socket.recv()
            except websocket.WebSocketTimeoutException:
                continue
            if message == "2":
                self.socket.send("3")
            else:
                self.received.append(message)
        return "\n".join(self.received)

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def raw_client(live_app: LiveApp) -> Iterator[Callable[..., RawClient]]:
    clients: list[RawClient] = []

    def make(token: str | None = None, origin: str | None = None) -> RawClient:
        client = RawClient(live_app, token or str(uuid.uuid4()), origin)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def _audit_since(live_app: LiveApp, after: int, action: AuditAction) -> list[AuditEvent]:
    with Session(live_app.engine) as session:
        return list(
            session.exec(
                select(AuditEvent).where(AuditEvent.id > after, AuditEvent.action == action)
            ).all()
        )


def _last_audit_id(live_app: LiveApp) -> int:
    with Session(live_app.engine) as session:
        ids = session.exec(select(AuditEvent.id).order_by(AuditEvent.id.desc())).first()  # type: ignore[union-attr]
    return ids or 0


# --- 1. No passwords after the session ended ------------------------------------------------------


def test_reload_after_logout_in_a_second_tab_shows_no_password(admin_page: Page) -> None:
    page = admin_page
    passwords = _bulk_result(page)
    page.on("dialog", lambda dialog: dialog.accept())  # the leave warning of the result page
    frames: list[str] = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda f: frames.append(str(f))))

    second = page.context.new_page()
    second.goto("/")
    expect_pupil_list_loaded(second)
    second.get_by_role("button", name="Afmelden").click()
    expect(second.get_by_text("Je bent afgemeld.", exact=True)).to_be_visible()

    page.reload()
    expect(page.get_by_role("button", name="Aanmelden", exact=True)).to_be_visible()
    page.wait_for_timeout(500)
    sent = "\n".join(frames) + page.content()
    for secret in [*passwords, DEMO_SCHOOL, "Ardalan", "Bockstal"]:
        assert secret not in sent, secret


def test_the_client_token_without_the_cookie_gets_nothing(
    admin_page: Page, raw_client: Callable[..., RawClient]
) -> None:
    page = admin_page
    passwords = _bulk_result(page)
    token = _client_token(page)

    client = raw_client(token)
    client.send(f"{STATE}.hydrate_and_load", {"vars": {}}, routes.BULK_RENEW)
    received = client.read_for(2.0)

    assert "is_hydrated" in received  # the snapshot did arrive ...
    for secret in [*passwords, DEMO_SCHOOL, "Ardalan", "Bhatti"]:
        assert secret not in received, secret  # ... without the tab's data


# --- 2. Someone else's guessing does not lock the owner out ---------------------------------------


@pytest.fixture
def own_admin(live_app: LiveApp) -> str:
    """An administrator of its own, so throttling here does not slow other tests down."""
    username = f"eigenaar.{uuid.uuid4().hex[:8]}"
    with Session(live_app.engine) as session:
        school = session.exec(select(School).where(School.name == SECOND_SCHOOL)).one()
        admin = Administrator(
            username=username,
            display_name="Eigenaar",
            password_hash=live_app.hashing.hash(DEMO_PASSWORD),
            created_at=datetime.now(UTC),
        )
        session.add(admin)
        session.flush()
        session.add(AdministratorSchool(administrator_id=admin.id, school_id=school.id))
        session.commit()
    return username


def test_the_owner_still_gets_in_while_someone_else_guesses(
    new_context: Callable[..., BrowserContext], own_admin: str, live_app: LiveApp
) -> None:
    owner = new_context().new_page()
    login(owner, own_admin, DEMO_PASSWORD)
    expect_pupil_list_loaded(owner)
    owner.get_by_role("button", name="Afmelden").click()
    expect_login_page(owner, live_app)

    attacker = new_context().new_page()  # same address, no device cookie of the owner
    for attempt in range(5):
        login(attacker, own_admin, f"geraden-{attempt}")
        expect(attacker.get_by_text(re.compile("Onjuiste|Te veel"))).to_be_visible()
    login(attacker, own_admin, DEMO_PASSWORD)  # even the right password: this client waits
    expect(attacker.get_by_text(re.compile("^Te veel mislukte aanmeldpogingen"))).to_be_visible()

    login(owner, own_admin, DEMO_PASSWORD)
    expect_pupil_list_loaded(owner)


# --- 5. Refusals over the websocket are audited, never a crash ------------------------------------


def test_a_hostile_client_gets_audited_refusals(
    admin_page: Page, live_app: LiveApp, raw_client: Callable[..., RawClient]
) -> None:
    cookie = _session_cookie(admin_page.context)
    client = raw_client()  # a client token of its own, with the stolen cookie
    client.send(
        f"{STATE}.hydrate_and_load",
        {"vars": {f"{AUTH}.session_token_rx_state_": cookie}},
    )
    client.read_for(1.0)
    gent_pupil = find_pupil(live_app, "20001", SECOND_SCHOOL)
    before = _last_audit_id(live_app)

    for pupil_id in (gent_pupil.id, 2**70, "x"):
        client.send(f"{PUPILS}.toggle_pupil", {"pupil_id": pupil_id, "checked": True})
    client.send(f"{PUPILS}.toggle_page", {"checked": "ja"})
    received = client.read_for(2.0)

    denied = _audit_since(live_app, before, AuditAction.ACCESS_DENIED)
    assert len(denied) == 4
    assert all(event.pupil_id is None for event in denied)
    assert texts.PUPIL_NOT_IN_SCHOOL in received
    assert '"selected_count_rx_state_":1' not in received.replace(" ", "")


# --- 6. Headers, framing, origins -----------------------------------------------------------------


def test_pages_carry_security_headers_and_cors_allows_only_the_own_origin(
    live_app: LiveApp,
) -> None:
    url = live_app.url("/")
    assert url.startswith("http://")
    request = urllib.request.Request(url, headers={"Origin": "http://evil.test"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        headers = response.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"
    assert headers.get("Access-Control-Allow-Origin") in (None, "")


def test_another_origin_cannot_open_the_websocket(live_app: LiveApp) -> None:
    url = live_app.base_url.replace("http://", "ws://")
    with pytest.raises(websocket.WebSocketException):
        socket = websocket.create_connection(
            f"{url}/_event/?EIO=4&transport=websocket&token={uuid.uuid4()}",
            subprotocols=[REFLEX_VERSION],
            origin="http://evil.test",
            timeout=10,
        )
        socket.recv()
        socket.send("40/_event,")
        socket.recv()


def test_another_origin_cannot_frame_the_list(admin_page: Page, live_app: LiveApp) -> None:
    frame_page = admin_page.context.new_page()
    frame_page.set_content(f'<iframe id="f" src="{live_app.url("/")}"></iframe>')
    # The browser refuses to load the app inside another origin's page: the frame ends on
    # Chromium's error page instead of the app (which, framed, would show the list).
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        urls = [frame.url for frame in frame_page.frames[1:]]
        if urls and urls[0] not in ("", "about:blank"):
            break
        frame_page.wait_for_timeout(100)
    frame_page.wait_for_timeout(500)
    assert [frame.url for frame in frame_page.frames[1:]] == ["chrome-error://chromewebdata/"]


# --- 7. Leaving the result page warns until a download happened -----------------------------------


def test_leaving_the_result_warns_until_a_download_happened(admin_page: Page) -> None:
    page = admin_page
    passwords = _bulk_result(page)
    messages: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("link", name="Logboek").click()
    expect(page.get_by_text(passwords[0], exact=True)).to_be_visible()
    assert messages and "niet gedownload" in messages[0]

    page.get_by_role("button", name=re.compile("^Klaar")).click()
    expect(page.get_by_role("alertdialog")).to_contain_text("Nog niets gedownload")
    page.get_by_role("button", name="Blijven").click()
    expect(page.get_by_text(passwords[0], exact=True)).to_be_visible()

    with page.expect_download():
        page.get_by_role("button", name=re.compile("^Download een PDF")).click()
    expect(
        page.get_by_role("button", name=re.compile("^Download een PDF")).get_by_text("Gedownload")
    ).to_be_visible()
    page.get_by_role("link", name="Logboek").click()  # no warning now
    expect(page.get_by_role("heading", name="Logboek", exact=True)).to_be_visible()
    assert len(messages) == 1


def test_closing_the_result_tab_before_a_download_asks(admin_page: Page) -> None:
    page = admin_page
    _bulk_result(page)
    page.get_by_text("2 LeerID's hebben een nieuw wachtwoord", exact=True).click()  # a gesture
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert not page.is_closed()


# --- Done means: no plain-text password anywhere the app wrote ------------------------------------


def _files(folder: Path) -> Iterator[Path]:
    for path in folder.rglob("*"):
        if path.is_file() and "node_modules" not in path.parts:
            yield path


def test_no_plain_text_password_at_rest_after_a_full_run(
    admin_page: Page, live_app: LiveApp
) -> None:
    page = admin_page
    # Single renewal: the edit page shows the password, saving downloads its slip.
    ardalan = find_pupil(live_app, "32890", DEMO_SCHOOL)
    page.goto(routes.pupil_edit(ardalan.id))
    page.get_by_role("button", name="genereer nieuw wachtwoord").click()
    single = page.locator("code").first.inner_text().strip()
    assert single
    with page.expect_download():
        page.get_by_role("button", name=SAVE).click()
    page.goto("/")
    expect_pupil_list_loaded(page)
    passwords = [single, *_bulk_result(page)]
    page.on("dialog", lambda dialog: dialog.accept())
    second = page.context.new_page()
    second.goto("/")
    second.get_by_role("button", name="Afmelden").click()
    page.reload()
    expect(page.get_by_role("button", name="Aanmelden", exact=True)).to_be_visible()
    time.sleep(1.0)

    # The scan first proves it can see a password where one is meant to be: none here, so a
    # marker written to the folder must be found.
    (live_app.folder / "scan-probe.txt").write_text(passwords[0])
    leaks = {
        str(path.relative_to(live_app.folder))
        for path in _files(live_app.folder)
        for password in passwords
        if password.encode() in path.read_bytes()
    }
    assert leaks == {"scan-probe.txt"}
    (live_app.folder / "scan-probe.txt").unlink()
    with Session(live_app.engine) as session:
        assert session.exec(select(Pupil.id)).first()  # the database was read, and is whole
