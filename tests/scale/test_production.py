"""The main flows on PostgreSQL + Redis + two app processes of 3 workers behind one front."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, WebSocket, expect
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from leerid_app import routes
from leerid_app.models import LeerIDAccount, Pupil, School
from leerid_app.services.demo import DEMO_SCHOOL, SECOND_SCHOOL
from leerid_app.services.hashing import make_password_hashing
from leerid_app.settings import Settings
from tests.e2e.conftest import (
    SCHOOL_NAME,
    expect_selected,
    expect_total,
    search,
)
from tests.scale.flows import SAVE, plan_second_school, renewable_hashes, select_manual_pair
from tests.scale.redis_scan import Secrets, assert_not_in_redis
from tests.scale.stack import Stack, documented

pytestmark = pytest.mark.e2e

DOWNLOAD_PDF = "Download een PDF met LeerID gebruikersnamen en wachtwoorden"
DOWNLOAD_EXCEL = "Download de Excel met alle LeerID data"
RESULT_HEADING = re.compile(r"^\d+ LeerID's hebben een nieuw wachtwoord$")
WORKERS_PER_APP = 3


def _pupil(engine: Engine, stamnummer: str) -> Pupil:
    with Session(engine, expire_on_commit=False) as session:
        return session.exec(
            select(Pupil)
            .join(School, col(School.id) == col(Pupil.school_id))
            .where(School.name == DEMO_SCHOOL, Pupil.stamnummer == stamnummer)
        ).one()


def _verify(stack: Stack, password_hash: str, password: str) -> bool:
    settings = Settings(pepper=stack.env["LEERID_PEPPER"])
    return make_password_hashing(settings).verify(password_hash, password)


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())


def _download(page: Page, button: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    path = info.value.path()
    with open(path, "rb") as file:
        return file.read()


def test_the_documented_parts_are_running(stack: Stack) -> None:
    """Redis without persistence, two app processes of 3 workers each, one front."""
    commands = [" ".join(c) for c in documented().commands]
    assert any("--save  --appendonly no" in c for c in commands), commands
    config = stack.redis.client().config_get("save") | stack.redis.client().config_get("appendonly")
    assert config == {"save": "", "appendonly": "no"}
    assert set(stack.apps) == {"A", "B"}
    for app in stack.apps.values():
        assert len(app.workers()) == WORKERS_PER_APP, app.log_text()[-2000:]


def test_login_list_detail_and_logout(stack_admin: Callable[[str], Page], stack: Stack) -> None:
    page = stack_admin("beheerder")
    expect(page.locator(SCHOOL_NAME)).to_have_text(DEMO_SCHOOL)
    search(page, "60351")
    expect_total(page, 1)
    page.get_by_role("link", name="Abdulghani").first.click()
    expect(page.get_by_role("heading", name="Abdulghani Bogdan")).to_be_visible()
    expect(page.get_by_text("abdulghani.bogdan", exact=True)).to_be_visible()
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_text("Je bent afgemeld.", exact=True)).to_be_visible()
    page.goto(routes.PUPILS)
    expect(page.get_by_role("button", name="Aanmelden", exact=True)).to_be_visible()


def test_single_renewal_downloads_the_slip(
    stack_admin: Callable[[str], Page], stack: Stack, stack_engine: Engine
) -> None:
    pupil = _pupil(stack_engine, "60351")
    page = stack_admin("beheerder")
    page.goto(f"/leerling/{pupil.id}")
    page.get_by_role("button", name="Pas aanmeldgegevens aan").click()
    expect(page.get_by_role("heading", name="LeerID aanmeldgegevens")).to_be_visible()
    page.get_by_role("button", name="genereer nieuw wachtwoord").click()
    shown = page.locator("#new-password")
    expect(shown).to_have_text(re.compile(r"^\S{6}$"))
    password = shown.inner_text()
    with page.expect_download() as info:
        page.get_by_role("button", name=SAVE).click()
    expect(page.get_by_text("Het LeerID is succesvol aangepast.", exact=True)).to_be_visible()
    with open(info.value.path(), "rb") as file:
        assert password in _pdf_text(file.read())
    with Session(stack_engine) as session:
        account = session.exec(
            select(LeerIDAccount).where(LeerIDAccount.pupil_id == pupil.id)
        ).one()
    assert _verify(stack, account.password_hash, password)


def test_bulk_renewal_with_progress_and_both_downloads(
    stack_admin: Callable[[str], Page], stack: Stack, stack_engine: Engine
) -> None:
    before = renewable_hashes(stack_engine, SECOND_SCHOOL)
    assert len(before) >= 30
    page = stack_admin("beheerder")
    plan_second_school(page, stack_engine, len(before))
    page.get_by_role("button", name=SAVE).click()
    page.get_by_role("button", name=f"Ja, vervang {len(before)} wachtwoorden").click()
    # The live progress bar, updated by whichever worker runs the save.
    expect(page.get_by_role("progressbar")).to_be_visible()
    expect(page.get_by_text(RESULT_HEADING)).to_be_visible(timeout=60_000)

    excel = load_workbook(io.BytesIO(_download(page, DOWNLOAD_EXCEL)), read_only=True)
    rows = list(excel.active.iter_rows(min_row=2, values_only=True))
    pdf = _pdf_text(_download(page, DOWNLOAD_PDF))
    assert len(rows) == len(before)
    after = renewable_hashes(stack_engine, SECOND_SCHOOL)
    assert all(after[pupil_id] != old for pupil_id, old in before.items())
    by_username = {row[3]: row[4] for row in rows}
    with Session(stack_engine) as session:
        accounts = session.exec(
            select(LeerIDAccount).where(col(LeerIDAccount.pupil_id).in_(list(before)))
        ).all()
    for account in accounts[:3]:
        password = by_username[account.username]
        assert password in pdf
        assert _verify(stack, account.password_hash, password)


def test_redis_holds_no_plain_text_password_nor_the_session_token(
    stack_admin: Callable[[str], Page], stack: Stack
) -> None:
    """While a bulk result page is shown: every key and value of Redis, decoded every way."""
    page = stack_admin("beheerder")
    token = Secrets(c["value"] for c in page.context.cookies() if c["name"] == "leerid_session")
    select_manual_pair(page)
    page.get_by_role("button", name="Vernieuw wachtwoord", exact=True).click()
    page.get_by_role("button", name=SAVE).click()
    expect(page.get_by_text("2 LeerID's hebben een nieuw wachtwoord", exact=True)).to_be_visible()
    rows = page.get_by_role("table").filter(has_text="ardalan.bhatti").locator("tbody tr")
    expect(rows).to_have_count(2)
    passwords = Secrets(row.get_by_role("cell").nth(2).inner_text().strip() for row in rows.all())
    assert len(passwords) == 2 and all(len(p) == 8 for p in passwords)
    assert len(token) == 1
    assert_not_in_redis(stack.redis.client(), Secrets([*passwords, *token]))


def test_websocket_moved_to_the_other_app_process_carries_on(
    stack_admin: Callable[[str], Page], stack: Stack
) -> None:
    """Stop each app process in turn: the tab reconnects through the front, state intact."""
    page = stack_admin("beheerder")
    sockets: list[WebSocket] = []
    page.on("websocket", lambda socket: sockets.append(socket))
    select_manual_pair(page)
    for stopped, other in (("A", "B"), ("B", "A")):
        stack.apps[stopped].stop()
        # The tab's socket was on one of the two: at least one of the stops moves it.
        search(page, "")
        expect(page.get_by_text(re.compile(r"^Totaal aantal rijen: [1-9]\d*$"))).to_be_visible()
        expect_selected(page, 2)
        search(page, "32890")
        expect_total(page, 1)
        expect(
            page.get_by_role("checkbox", name="Selecteer Ardalan Bhatti", exact=True)
        ).to_be_checked()
        stack.start_app(stopped)
        assert stack.apps[other].process is not None
    assert len(sockets) >= 1, "the tab never had to reconnect: nothing was tested"
    # The same selection still reaches the bulk page.
    page.get_by_role("button", name="Vernieuw wachtwoord", exact=True).click()
    expect(page.get_by_text("Totaal aantal rijen: 2", exact=True).first).to_be_visible()
