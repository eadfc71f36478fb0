"""Bulk renewal and bulk activation in the browser: the manual's section 3, end to end.

Each test reads the accounts it touches from the app's database before and after, so the order
in which the e2e files run does not matter. The pupils changed here are the manual's bulk
example (Ardalan Bhatti, Amani Bockstal), the two `Lucas Peeters` without account, secondary
pupils no other test names, and the second school (for the long run).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Locator, Page, WebSocket, expect
from pypdf import PdfReader
from sqlmodel import Session, col, select

from leerid_app import routes
from leerid_app.models import AccountType, LeerIDAccount, Pupil
from leerid_app.services.accounts import is_generated_password
from leerid_app.services.audit import AuditAction
from leerid_app.services.demo import DEMO_SCHOOL, MANUAL_PUPILS, SECOND_SCHOOL
from tests.e2e.conftest import (
    SCHOOL_NAME,
    LiveApp,
    audit_since,
    choose_filter,
    column_cells,
    expect_selected,
    expect_total,
    find_account,
    find_pupil,
    last_audit_id,
    pupil_rows,
    school_id,
    search,
)

pytestmark = pytest.mark.e2e

RENEW_HEADING = "Bulk: genereer nieuw wachtwoord"
ACTIVATE_HEADING = "Bulk: activeer LeerID's"
WITHOUT_EMAIL = "LEERLINGEN ZONDER E-MAILADRES"
WITH_EMAIL = "LEERID'S MET GEKOPPELD E-MAILADRES"
TO_ACTIVATE = "LEERLINGEN ZONDER LEERID"
RESULT_RENEWED = "LEERID'S MET NIEUW GEVORDERD WACHTWOORD"
RESULT_RENEWED_BASIC = "LEERID'S MET NIEUW BASIS WACHTWOORD"
RESULT_ACTIVATED = "NIEUWE LEERID'S MET BASIS WACHTWOORD"
NEW_ADVANCED_HINT = "nieuw gevorderd wachtwoord"
SAVE = "Bewaren en afdrukken"
DOWNLOAD_PDF = "Download een PDF met LeerID gebruikersnamen en wachtwoorden"
DOWNLOAD_EXCEL = "Download de Excel met alle LeerID data"
EMAIL_LINKED_TITLE = (
    "Je kan geen nieuw wachtwoord genereren voor LeerID's met een gekoppeld e-mailadres"
)
ADVANCED_MEANING = (
    "2 bestaande LeerID's met gevorderd wachtwoord: De leerlingen moeten hun wachtwoord "
    "aanpassen nadat ze de eerste keer aangemeld zijn."
)
WARNING = (
    "Indien je denkt dat iemand anders jouw LeerID gebruikt, contacteer dan zo snel mogelijk "
    "je LeerID-beheerder."
)
EXCEL_HEADERS = (
    "Stamnummer",
    "Voornaam",
    "Achternaam",
    "LeerID Gebruikersnaam",
    "LeerID Wachtwoord",
    "Administratieve groep",
    "Geslacht",
    "Geboortedatum",
    "Accounttype",
)
MANUAL_STAMNUMMERS = {manual.stamnummer for manual in MANUAL_PUPILS}


# --- Helpers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownRow:
    """A row of a bulk table as the administrator reads it."""

    name_and_stamnummer: str
    username: str
    password: str
    account_type: str


def _card(page: Page, heading: str) -> Locator:
    """The card under one of the bulk page's section headings."""
    return page.locator(".rt-Card").filter(
        has=page.get_by_role("heading", name=heading, exact=True)
    )


def _body_rows(card: Locator) -> Locator:
    return card.locator("tbody").get_by_role("row")


def _read_rows(card: Locator, *, with_check_box: bool) -> list[ShownRow]:
    """Every body row of a bulk table: name + stamnummer, username, password, type."""
    first = 1 if with_check_box else 0
    # .all() does not wait: first let the rows arrive from the server.
    expect(_body_rows(card).first).to_be_visible()
    shown = []
    for row in _body_rows(card).all():
        cells = [cell.strip() for cell in row.get_by_role("cell").all_inner_texts()]
        name, username, password, account_type = cells[first : first + 4]
        # The plan writes the manual's `nieuw gevorderd wachtwoord` after an advanced one.
        password = password.removesuffix(NEW_ADVANCED_HINT).strip()
        shown.append(ShownRow(name, username, password, account_type))
    return shown


def _select(page: Page, stamnummer: str, name: str) -> None:
    """Find a pupil by stamnummer and tick the row's check box."""
    search(page, stamnummer)
    # Wait for the search's own answer: until then the box may be on the previous list, and
    # the server ignores a box of a row it no longer shows (toggle_pupil checks the page).
    expect(column_cells(page, "Stamnummer")).to_have_text([stamnummer])
    box = page.get_by_role("checkbox", name=f"Selecteer {name}", exact=True)
    expect(box).to_have_count(1)
    box.click()
    expect(box).to_be_checked()


def _download(page: Page, button: str) -> tuple[str, bytes]:
    with page.expect_download() as download_info:
        page.get_by_role("button", name=button).click()
    download = download_info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def _excel_rows(data: bytes) -> tuple[tuple, list[tuple], list[str]]:
    """Header, data rows and the Geboortedatum cells' number formats of the Excel."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet is not None
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    date_column = EXCEL_HEADERS.index("Geboortedatum") + 1
    formats = [
        sheet.cell(row=index, column=date_column).number_format
        for index in range(2, len(rows) + 2)
        if sheet.cell(row=index, column=date_column).value is not None
    ]
    return header, rows, formats


def _account_row(live_app: LiveApp, pupil_id: int) -> tuple:
    account = find_account(live_app, pupil_id)
    assert account is not None
    return (
        account.username,
        account.password_hash,
        account.email,
        account.password_type,
        account.must_change_password,
        account.password_changed_at,
    )


def _start_bulk(page: Page, button: str, heading: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()


def _pupil_id(pupil: Pupil) -> int:
    assert pupil.id is not None
    return pupil.id


# --- The manual's example ----------------------------------------------------------------------


def test_manual_bulk_renewal_with_downloads(admin_page: Page, live_app: LiveApp) -> None:
    page = admin_page
    ardalan, amani, butrint = (find_pupil(live_app, s) for s in ("32890", "80240", "47727"))
    butrint_before = _account_row(live_app, _pupil_id(butrint))
    assert butrint_before[2], "Butrint Boeren has an e-mail address linked in the demo"
    audit_before = last_audit_id(live_app)

    _select(page, "32890", "Ardalan Bhatti")
    _select(page, "80240", "Amani Bockstal")
    _select(page, "47727", "Butrint Boeren")
    expect_selected(page, 3)
    _start_bulk(page, "Vernieuw wachtwoord", RENEW_HEADING)
    expect(page).to_have_url(re.compile(rf"{re.escape(routes.BULK_RENEW)}/?$"))

    # LEERLINGEN ZONDER E-MAILADRES: the two pupils, each with a new advanced password.
    planned = _card(page, WITHOUT_EMAIL)
    expect(planned.get_by_text("Totaal aantal rijen: 2", exact=True)).to_be_visible()
    expect(_body_rows(planned)).to_have_count(2)
    expect(
        _body_rows(planned).get_by_role("cell").filter(has_text=re.compile(r"\(\d+\)$"))
    ).to_have_text(["Ardalan Bhatti (32890)", "Amani Bockstal (80240)"])
    rows = _read_rows(planned, with_check_box=True)
    assert [(r.name_and_stamnummer, r.username, r.account_type) for r in rows] == [
        ("Ardalan Bhatti (32890)", "ardalan.bhatti", "Gevorderd"),
        ("Amani Bockstal (80240)", "amani.bockstal", "Gevorderd"),
    ]
    passwords = {row.username: row.password for row in rows}
    for password in passwords.values():
        assert is_generated_password(AccountType.GEVORDERD, password), password
    expect(planned.get_by_role("checkbox", checked=True)).to_have_count(2)
    expect(planned.get_by_text(NEW_ADVANCED_HINT, exact=True)).to_have_count(2)

    # LEERID'S MET GEKOPPELD E-MAILADRES: Butrint Boeren, masked, with the explanation.
    linked = _card(page, WITH_EMAIL)
    expect(linked.get_by_text("Totaal aantal rijen: 1", exact=True)).to_be_visible()
    expect(linked.get_by_text(EMAIL_LINKED_TITLE, exact=True)).to_be_visible()
    expect(_body_rows(linked)).to_have_count(1)
    expect(_body_rows(linked).get_by_role("cell")).to_have_text(
        ["Butrint Boeren (47727)", "butrint.boeren1", "t*****s@ond.vlaanderen.be"]
    )

    page.get_by_role("button", name=SAVE).click()

    expect(page.get_by_text("2 LeerID's hebben een nieuw wachtwoord", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile("^" + re.escape(ADVANCED_MEANING)))).to_be_visible()
    # The manual's heading, one table per account type present: only advanced ones here.
    result = _card(page, RESULT_RENEWED)
    expect(result.get_by_text("Totaal aantal rijen: 2", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=RESULT_RENEWED_BASIC)).to_have_count(0)
    result_rows = _read_rows(result, with_check_box=False)
    assert {row.username: row.password for row in result_rows} == passwords

    excel_name, excel = _download(page, DOWNLOAD_EXCEL)
    pdf_name, pdf = _download(page, DOWNLOAD_PDF)

    assert excel_name.endswith(".xlsx")
    header, excel_rows, date_formats = _excel_rows(excel)
    assert header == EXCEL_HEADERS
    by_stamnummer = {str(row[0]): row for row in excel_rows}
    assert set(by_stamnummer) == {"32890", "80240"}
    for pupil in (ardalan, amani):
        row = by_stamnummer[pupil.stamnummer]
        username = f"{pupil.first_name}.{pupil.last_name}".lower()
        assert row[1:7] == (
            pupil.first_name,
            pupil.last_name,
            username,
            passwords[username],
            pupil.administrative_group,
            "M",
        )
        assert pupil.birth_date is not None
        assert row[7] is not None and row[7].date() == pupil.birth_date
        assert row[8] == "Gevorderd"
    assert date_formats == ["d/mm/yyyy", "d/mm/yyyy"]

    assert pdf_name.endswith(".pdf")
    text = _pdf_text(pdf)
    for expected in (
        "Ardalan Bhatti",
        "Amani Bockstal",
        "ardalan.bhatti",
        "amani.bockstal",
        *passwords.values(),
        WARNING,
        ardalan.administrative_group,
        amani.administrative_group,
    ):
        assert expected in text, f"{expected!r} not in the PDF: {text!r}"
    assert "butrint" not in text.lower()

    # The database: the shown passwords work, Butrint Boeren is untouched, all is audited.
    for pupil in (ardalan, amani):
        account = find_account(live_app, _pupil_id(pupil))
        assert account is not None
        assert live_app.hashing.verify(account.password_hash, passwords[account.username])
        assert passwords[account.username] not in account.password_hash
        assert account.must_change_password is True
    assert _account_row(live_app, _pupil_id(butrint)) == butrint_before

    (batch,) = audit_since(live_app, audit_before, AuditAction.BULK_PASSWORDS_RENEWED)
    assert json.loads(batch.details) == {"count": 2}
    renewed = audit_since(live_app, audit_before, AuditAction.PASSWORD_RENEWED)
    assert sorted(event.pupil_id for event in renewed) == sorted(
        [_pupil_id(ardalan), _pupil_id(amani)]
    )
    for action in (AuditAction.EXCEL_DOWNLOADED, AuditAction.SLIPS_DOWNLOADED):
        (event,) = audit_since(live_app, audit_before, action)
        assert json.loads(event.details) == {"count": 2}
    for event in [batch, *renewed]:
        for password in passwords.values():
            assert password not in event.details


# --- Annuleren and leaving one pupil out -------------------------------------------------------


def test_cancel_on_the_bulk_page_changes_nothing(admin_page: Page, live_app: LiveApp) -> None:
    page = admin_page
    pupils = [find_pupil(live_app, s) for s in ("32890", "80240")]
    before = {_pupil_id(p): _account_row(live_app, _pupil_id(p)) for p in pupils}
    audit_before = last_audit_id(live_app)
    _select(page, "32890", "Ardalan Bhatti")
    _select(page, "80240", "Amani Bockstal")
    _start_bulk(page, "Vernieuw wachtwoord", RENEW_HEADING)
    shown = _read_rows(_card(page, WITHOUT_EMAIL), with_check_box=True)
    assert len(shown) == 2

    page.get_by_role("button", name="Annuleren", exact=True).click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_text(re.compile(r"^Totaal aantal rijen: \d+$"))).to_be_visible()
    assert {_pupil_id(p): _account_row(live_app, _pupil_id(p)) for p in pupils} == before
    for pupil_id, row in before.items():
        assert not any(live_app.hashing.verify(row[1], s.password) for s in shown), pupil_id
    for action in (AuditAction.PASSWORD_RENEWED, AuditAction.BULK_PASSWORDS_RENEWED):
        assert audit_since(live_app, audit_before, action) == []


@pytest.fixture
def two_secondary_pupils(live_app: LiveApp) -> list[Pupil]:
    """Two advanced pupils of the manual's school, no e-mail, that no other test names."""
    with Session(live_app.engine, expire_on_commit=False) as session:
        pupils = list(
            session.exec(
                select(Pupil)
                .join(LeerIDAccount, col(LeerIDAccount.pupil_id) == col(Pupil.id))
                .where(
                    Pupil.school_id == school_id(live_app, DEMO_SCHOOL),
                    LeerIDAccount.account_type == AccountType.GEVORDERD,
                    col(LeerIDAccount.email).is_(None),
                    col(Pupil.stamnummer).not_in(MANUAL_STAMNUMMERS),
                )
                .order_by(col(Pupil.id))
                .limit(2)
            )
        )
    assert len(pupils) == 2
    return pupils


def test_leaving_one_pupil_out_renews_only_the_other(
    admin_page: Page, live_app: LiveApp, two_secondary_pupils: list[Pupil]
) -> None:
    page = admin_page
    kept, left_out = two_secondary_pupils
    left_out_before = _account_row(live_app, _pupil_id(left_out))
    kept_before = _account_row(live_app, _pupil_id(kept))
    for pupil in (kept, left_out):
        _select(page, pupil.stamnummer, f"{pupil.first_name} {pupil.last_name}")
    expect_selected(page, 2)
    _start_bulk(page, "Vernieuw wachtwoord", RENEW_HEADING)
    planned = _card(page, WITHOUT_EMAIL)
    expect(_body_rows(planned)).to_have_count(2)

    label = f"{left_out.first_name} {left_out.last_name} ({left_out.stamnummer})"
    box = planned.get_by_role("checkbox", name=f"Neem {label} op", exact=True)
    box.click()
    expect(box).not_to_be_checked()
    kept_label = f"{kept.first_name} {kept.last_name} ({kept.stamnummer})"
    expect(planned.get_by_role("checkbox", name=f"Neem {kept_label} op")).to_be_checked()
    kept_password = next(
        row.password
        for row in _read_rows(planned, with_check_box=True)
        if row.name_and_stamnummer == kept_label
    )
    page.get_by_role("button", name=SAVE).click()

    expect(page.get_by_text("1 LeerID heeft een nieuw wachtwoord", exact=True)).to_be_visible()
    result = _read_rows(_card(page, RESULT_RENEWED), with_check_box=False)
    assert [(row.name_and_stamnummer, row.password) for row in result] == [
        (kept_label, kept_password)
    ]
    assert _account_row(live_app, _pupil_id(left_out)) == left_out_before
    kept_after = find_account(live_app, _pupil_id(kept))
    assert kept_after is not None
    assert kept_after.password_hash != kept_before[1]
    assert live_app.hashing.verify(kept_after.password_hash, kept_password)


# --- Activation --------------------------------------------------------------------------------


def test_bulk_activation_of_the_two_lucas_peeters(admin_page: Page, live_app: LiveApp) -> None:
    page = admin_page
    lucas = [find_pupil(live_app, s) for s in ("11223", "11224")]
    assert all((p.first_name, p.last_name) == ("Lucas", "Peeters") for p in lucas)
    assert all(find_account(live_app, _pupil_id(p)) is None for p in lucas)
    sezen = find_pupil(live_app, "70246")
    sezen_before = _account_row(live_app, _pupil_id(sezen))
    audit_before = last_audit_id(live_app)

    search(page, "Lucas Peeters")
    choose_filter(page, "Status", "Geen account")
    expect(column_cells(page, "Stamnummer")).to_have_text([p.stamnummer for p in lucas])
    rows = pupil_rows(page)
    for pupil in lucas:
        box = rows.filter(has_text=pupil.stamnummer).get_by_role(
            "checkbox", name="Selecteer Lucas Peeters"
        )
        box.click()
        expect(box).to_be_checked()
    expect_selected(page, 2)
    choose_filter(page, "Status", "Alle")
    _select(page, "70246", "Sezen Beuken")  # already has a LeerID
    expect_selected(page, 3)

    _start_bulk(page, "Activeer LeerID", ACTIVATE_HEADING)

    expect(
        page.get_by_text("Heeft al een LeerID, overgeslagen: Sezen Beuken (70246)", exact=True)
    ).to_be_visible()
    planned = _card(page, TO_ACTIVATE)
    expect(planned.get_by_text("Totaal aantal rijen: 2", exact=True)).to_be_visible()
    expect(_body_rows(planned)).to_have_count(2)
    shown = _read_rows(planned, with_check_box=True)
    assert [(r.name_and_stamnummer, r.account_type) for r in shown] == [
        ("Lucas Peeters (11223)", "Basis"),
        ("Lucas Peeters (11224)", "Basis"),
    ]
    # The plan shows the usernames the accounts will get, two different free ones.
    planned_names = {r.name_and_stamnummer: r.username for r in shown}
    assert len(set(planned_names.values())) == 2
    assert all(re.fullmatch(r"lucas\.peeters\d*", name) for name in planned_names.values())
    for row in shown:
        assert is_generated_password(AccountType.BASIS, row.password), row.password

    page.get_by_role("button", name=SAVE).click()

    expect(page.get_by_text("2 LeerID's zijn geactiveerd", exact=True)).to_be_visible()
    result = _read_rows(_card(page, RESULT_ACTIVATED), with_check_box=False)
    assert sorted(r.name_and_stamnummer for r in result) == [
        "Lucas Peeters (11223)",
        "Lucas Peeters (11224)",
    ]
    usernames = [row.username for row in result]
    assert len(set(usernames)) == 2
    assert all(re.fullmatch(r"lucas\.peeters\d*", name) for name in usernames), usernames
    assert sorted(row.password for row in result) == sorted(row.password for row in shown)
    assert {r.name_and_stamnummer: r.username for r in result} == planned_names
    by_stamnummer = {row.name_and_stamnummer[-6:-1]: row for row in result}

    for pupil in lucas:
        account = find_account(live_app, _pupil_id(pupil))
        assert account is not None
        shown_row = by_stamnummer[pupil.stamnummer]
        assert account.account_type is AccountType.BASIS
        assert account.username == shown_row.username
        assert live_app.hashing.verify(account.password_hash, shown_row.password)
    assert _account_row(live_app, _pupil_id(sezen)) == sezen_before
    (batch,) = audit_since(live_app, audit_before, AuditAction.BULK_ACCOUNTS_ACTIVATED)
    assert json.loads(batch.details) == {"count": 2}
    activated = audit_since(live_app, audit_before, AuditAction.ACCOUNT_ACTIVATED)
    assert sorted(e.pupil_id for e in activated) == sorted(_pupil_id(p) for p in lucas)

    excel_name, excel = _download(page, DOWNLOAD_EXCEL)
    assert excel_name.endswith(".xlsx")
    header, excel_rows, _ = _excel_rows(excel)
    assert header == EXCEL_HEADERS
    assert sorted((str(r[0]), r[3], r[4], r[8]) for r in excel_rows) == sorted(
        (stamnummer, row.username, row.password, "Basis")
        for stamnummer, row in by_stamnummer.items()
    )
    pdf_name, pdf = _download(page, DOWNLOAD_PDF)
    assert pdf_name.endswith(".pdf")
    text = _pdf_text(pdf)
    assert text.count("Lucas Peeters") >= 2
    for row in result:
        assert row.username in text and row.password in text
    assert "Sezen" not in text


# --- The long run: progress, and a second click ------------------------------------------------


@pytest.fixture
def second_school_page(login_as: Callable[[str], Page]) -> Page:
    """`beheerder` on the pupil list of GENT - TEST School 7 (no other test renews there)."""
    page = login_as("beheerder")
    page.get_by_role("button", name="Wijzig instelling").click()
    page.get_by_role("menuitem", name=SECOND_SCHOOL).click()
    expect(page.locator(SCHOOL_NAME)).to_have_text(SECOND_SCHOOL)
    return page


# Read in one go in the page, so "running" and "button disabled" come from the same render.
PROGRESS_PROBE = """() => {
    const statuses = [...document.querySelectorAll('[role="status"]')].map((e) => e.textContent);
    if (statuses.some((text) => text.includes("Bezig met"))) {
        const save = [...document.querySelectorAll("button")].find(
            (button) => button.textContent.includes("Bewaren en afdrukken"));
        return {running: true, saveDisabled: !save || save.disabled};
    }
    if (statuses.some((text) => text.includes("hebben een nieuw wachtwoord"))) {
        return {running: false};
    }
    return null;
}"""


def test_long_run_shows_progress_and_runs_once(second_school_page: Page, live_app: LiveApp) -> None:
    page = second_school_page
    gent = school_id(live_app, SECOND_SCHOOL)
    with Session(live_app.engine, expire_on_commit=False) as session:
        all_pupils = session.exec(select(Pupil).where(Pupil.school_id == gent)).all()
        renewable = {
            account.pupil_id: account.password_hash
            for account in session.exec(
                select(LeerIDAccount)
                .join(Pupil, col(Pupil.id) == col(LeerIDAccount.pupil_id))
                .where(Pupil.school_id == gent, col(LeerIDAccount.email).is_(None))
            )
        }
    assert len(renewable) >= 30
    # Count the save events the browser sends (the socket opens again on the reload).
    sent_saves: list[str] = []

    def watch(socket: WebSocket) -> None:
        socket.on(
            "framesent",
            lambda frame: sent_saves.extend(
                [str(frame)] if "bulk_state.save" in str(frame) else []
            ),
        )

    page.on("websocket", watch)
    page.reload()
    expect(page.locator(SCHOOL_NAME)).to_have_text(SECOND_SCHOOL)
    expect_total(page, len(all_pupils))
    page.get_by_role("button", name=f"Selecteer alle {len(all_pupils)} leerlingen").click()
    expect_selected(page, len(all_pupils))
    _start_bulk(page, "Vernieuw wachtwoord", RENEW_HEADING)
    planned = _card(page, WITHOUT_EMAIL)
    expect(
        planned.get_by_text(f"Totaal aantal rijen: {len(renewable)}", exact=True)
    ).to_be_visible()
    audit_before = last_audit_id(live_app)

    # More than a few accounts: the app first asks, naming the number (issue 8).
    page.get_by_role("button", name=SAVE).click()
    save = page.get_by_role("button", name=f"Ja, vervang {len(renewable)} wachtwoorden")
    expect(save).to_be_visible()
    sent_saves.clear()
    # Two clicks in the same instant, before the server could disable the button: both events
    # reach the server, which must start one run only.
    save.evaluate("(button) => { button.click(); button.click(); }")

    seen = page.wait_for_function(PROGRESS_PROBE, polling=10, timeout=60_000).json_value()
    assert len(sent_saves) == 2, "both clicks must reach the server for this test to mean much"
    if seen["running"]:
        # While it runs: the live progress bar, and the button cannot be clicked again.
        assert seen["saveDisabled"], "the save button stays clickable while the run is busy"
    expect(
        page.get_by_text(f"{len(renewable)} LeerID's hebben een nieuw wachtwoord", exact=True)
    ).to_be_visible(timeout=60_000)
    expect(page.get_by_text(re.compile("^Bezig met"))).to_have_count(0)

    renewed = audit_since(live_app, audit_before, AuditAction.PASSWORD_RENEWED)
    assert len(renewed) == len(renewable)
    assert {event.pupil_id for event in renewed} == set(renewable)
    assert len(audit_since(live_app, audit_before, AuditAction.BULK_PASSWORDS_RENEWED)) == 1
    with Session(live_app.engine) as session:
        after = {
            account.pupil_id: account.password_hash
            for account in session.exec(
                select(LeerIDAccount).where(col(LeerIDAccount.pupil_id).in_(renewable))
            )
        }
    assert all(after[pupil_id] != old for pupil_id, old in renewable.items())
    # The passwords on screen (first page of the result) belong to the last, only run.
    result = _read_rows(_card(page, RESULT_RENEWED), with_check_box=False)
    assert result
    with Session(live_app.engine) as session:
        accounts_by_username = {
            account.username: account.password_hash
            for account in session.exec(
                select(LeerIDAccount).where(col(LeerIDAccount.pupil_id).in_(renewable))
            )
        }
    for row in result[:5]:
        assert live_app.hashing.verify(accounts_by_username[row.username], row.password)
