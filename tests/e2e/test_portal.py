"""The whole Leerlingloket loop in Chromium at phone size (390 × 844), mail through real SMTP."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from pypdf import PdfReader
from sqlmodel import Session

from leerid_app import routes
from leerid_app.models import LeerIDAccount, Pupil
from leerid_app.services.demo import DEMO_PUPIL_LOGINS
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import (
    DEMO_ADMIN,
    DEMO_PASSWORD,
    LiveApp,
    SmtpInbox,
    column_cells,
    expect_pupil_list_loaded,
    find_account,
    find_pupil,
    login,
    search,
    wait_for_hydration,
)

PHONE = {"width": 390, "height": 844}
FIRST_OWN = "Regenboog-Trein-Vlot-47"
AFTER_RESET = "Kompas-Zeilboot-Mango-18"
ADDRESS = "ardalan.test@ond.vlaanderen.be"
LINK = re.compile(r"https?://\S+token=[A-Za-z0-9_-]+")
NEW_PASSWORD = "Nieuw wachtwoord"
REPEAT = "Herhaal je nieuwe wachtwoord"
SAVE = "Bewaar wachtwoord"


@pytest.fixture
def phone(new_context: Callable[..., BrowserContext]) -> Callable[[], Page]:
    """New pages in fresh phone-sized contexts (no cookies shared)."""

    def _page() -> Page:
        context = new_context(viewport=PHONE)
        context.set_default_timeout(15_000)
        return context.new_page()

    return _page


@pytest.fixture
def ardalan(live_app: LiveApp) -> Iterator[Pupil]:
    """Ardalan Bhatti; his account is put back afterwards (other tests renew him in bulk)."""
    pupil = find_pupil(live_app, "32890")
    assert pupil.id is not None
    before = find_account(live_app, pupil.id)
    assert before is not None
    yield pupil
    with Session(live_app.engine) as session:
        stored = session.get(LeerIDAccount, before.id)
        assert stored is not None
        stored.email = before.email
        session.add(stored)
        session.commit()


def _pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def _renew_from_console(page: Page, pupil: Pupil) -> str:
    """The administrator renews the password and reads it from the downloaded slip."""
    page.goto(f"/leerling/{pupil.id}/aanpassen")
    expect(page.get_by_role("heading", name="LeerID aanmeldgegevens")).to_be_visible()
    page.get_by_role("button", name="genereer nieuw wachtwoord").click()
    expect(page.locator("#new-password")).to_have_text(re.compile(r"^\S{8}$"))
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Bewaren en afdrukken").click()
    text = _pdf_text(Path(download_info.value.path()))
    found = re.search(r"Wachtwoord: (\S{8})", text)
    assert found, text
    assert "Meld je aan op http" in text and "/leerlingloket" in text  # where to type it
    return found.group(1)


def _portal_login(page: Page, username: str, password: str) -> None:
    page.goto(f"{routes.PORTAL_LOGIN}?gebruikersnaam={username}")
    expect(page.get_by_role("heading", name="Aanmelden met je LeerID", level=1)).to_be_visible()
    wait_for_hydration(page, "form")
    assert_no_axe_violations(page, "the Leerlingloket's login page")
    expect(page.get_by_label("Gebruikersnaam", exact=True)).to_have_value(username)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Aanmelden", exact=True).click()


def _choose(page: Page, password: str) -> None:
    page.get_by_label(NEW_PASSWORD, exact=True).fill(password)
    page.get_by_label(REPEAT, exact=True).fill(password)
    page.get_by_role("button", name=SAVE).click()


def _fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"


def test_the_whole_loop_on_a_phone(
    phone: Callable[[], Page], live_app: LiveApp, smtp_inbox: SmtpInbox, ardalan: Pupil
) -> None:
    admin = phone()
    login(admin, DEMO_ADMIN, DEMO_PASSWORD)
    expect_pupil_list_loaded(admin)
    slip_password = _renew_from_console(admin, ardalan)

    # The pupil logs in with the slip and must choose a password first.
    pupil = phone()
    _portal_login(pupil, "ardalan.bhatti", slip_password)
    expect(pupil.get_by_role("heading", name="Kies je eigen wachtwoord", level=1)).to_be_visible()
    expect(pupil.get_by_text(re.compile(r"Je hebt nog \d+ dagen"))).to_be_visible()
    expect(pupil.get_by_role("button", name="Later wijzigen")).to_be_visible()
    _fits_the_phone(pupil)
    assert_no_axe_violations(pupil, "Kies je eigen wachtwoord")
    wait_for_hydration(pupil, "form")
    error = pupil.locator("#choose-password-form-error")
    for refused, reason in [
        ("kort", "minstens 12 karakters"),
        ("welkom123456", "te makkelijk te raden"),
        ("Ardalan-Fiets-Wolk-7", "je naam niet bevatten"),
    ]:
        _choose(pupil, refused)
        expect(error).to_contain_text(reason)
        expect(pupil.get_by_label(NEW_PASSWORD, exact=True)).to_have_attribute(
            "aria-describedby", "choose-password-form-error"
        )
    assert_no_axe_violations(pupil, "Kies je eigen wachtwoord with a refusal")
    _choose(pupil, FIRST_OWN)
    expect(pupil.get_by_role("heading", name="Mijn LeerID", level=1)).to_be_visible()
    expect(pupil.get_by_text("Je nieuwe wachtwoord is bewaard.", exact=False)).to_be_visible()
    _fits_the_phone(pupil)
    assert_no_axe_violations(pupil, "Mijn LeerID")

    # Log out, and in again with the new password: straight to Mijn LeerID.
    pupil.get_by_role("button", name="Afmelden").click()
    expect(pupil.get_by_text("Je bent afgemeld.")).to_be_visible()
    _portal_login(pupil, "ardalan.bhatti", FIRST_OWN)
    expect(pupil.get_by_role("heading", name="Mijn LeerID", level=1)).to_be_visible()
    expect(pupil.get_by_text("Ardalan Bhatti", exact=True)).to_be_visible()

    # Link an e-mail address: the confirmation mail arrives at the real SMTP server.
    mails_before = len(smtp_inbox.messages)
    pupil.get_by_label("Nieuw e-mailadres").fill(ADDRESS)
    pupil.get_by_role("button", name="Stuur bevestigingsmail").click()
    expect(pupil.get_by_text(f"We stuurden een mail naar {ADDRESS}.", exact=False)).to_be_visible()
    assert_no_axe_violations(pupil, "Mijn LeerID after the confirmation mail")
    message = smtp_inbox.wait_for(ADDRESS, "Bevestig je e-mailadres", mails_before)
    text = smtp_inbox.text_of(message)
    assert "BRUSSEL-STAD - TEST School 2" in text and FIRST_OWN not in text
    link = LINK.search(text)
    assert link, text
    pupil.goto(link.group(0))
    expect(pupil.get_by_text("a*****t@ond.vlaanderen.be is gekoppeld", exact=False)).to_be_visible()

    # The console shows the masked e-mail and the last login; bulk renewal skips him.
    admin.goto(f"/leerling/{ardalan.id}")
    expect(admin.get_by_text("a*****t@ond.vlaanderen.be", exact=True)).to_be_visible()
    expect(admin.get_by_text(re.compile(r"^\d{1,2} \w+ \d{4} om \d{2}:\d{2}$"))).to_be_visible()
    admin.goto(routes.PUPILS)
    expect_pupil_list_loaded(admin)
    search(admin, "32890")
    expect(column_cells(admin, "Stamnummer")).to_have_text(["32890"])
    box = admin.get_by_role("checkbox", name="Selecteer Ardalan Bhatti", exact=True)
    box.click()
    expect(box).to_be_checked()
    admin.get_by_role("button", name="Vernieuw wachtwoord", exact=True).click()
    linked = admin.locator(".rt-Card").filter(
        has=admin.get_by_role("heading", name="LEERID'S MET GEKOPPELD E-MAILADRES", exact=True)
    )
    expect(linked.locator("tbody").get_by_role("cell")).to_have_text(
        ["Ardalan Bhatti (32890)", "ardalan.bhatti", "a*****t@ond.vlaanderen.be"]
    )
    admin.get_by_role("button", name="Annuleren").click()

    # Forgotten password: a reset link by mail, used once.
    pupil.get_by_role("link", name="Mijn LeerID").click()
    expect(pupil.get_by_text("a*****t@ond.vlaanderen.be", exact=True)).to_be_visible()
    pupil.get_by_role("button", name="Afmelden").click()
    pupil.get_by_role("link", name="Wachtwoord vergeten?").click()
    expect(pupil.get_by_role("heading", name="Wachtwoord vergeten?", level=1)).to_be_visible()
    wait_for_hydration(pupil, "form")
    assert_no_axe_violations(pupil, "Wachtwoord vergeten?")
    mails_before = len(smtp_inbox.messages)
    pupil.get_by_label("Gebruikersnaam of e-mailadres").fill("ardalan.bhatti")
    pupil.get_by_role("button", name="Stuur link").click()
    expect(
        pupil.get_by_text("Als er een LeerID met een gekoppeld e-mailadres", exact=False)
    ).to_be_visible()
    message = smtp_inbox.wait_for(ADDRESS, "Kies een nieuw wachtwoord", mails_before)
    reset_link = LINK.search(smtp_inbox.text_of(message))
    assert reset_link
    pupil.goto(reset_link.group(0))
    expect(pupil.get_by_text("ardalan.bhatti")).to_be_visible()
    wait_for_hydration(pupil, "form")
    assert_no_axe_violations(pupil, "the reset page")
    _choose(pupil, AFTER_RESET)
    expect(pupil.get_by_text("Je nieuwe wachtwoord is bewaard. Meld je nu aan.")).to_be_visible()
    _portal_login(pupil, "ardalan.bhatti", AFTER_RESET)
    expect(pupil.get_by_role("heading", name="Mijn LeerID", level=1)).to_be_visible()

    # The used link no longer works.
    pupil.goto(reset_link.group(0))
    expect(pupil.get_by_text("Deze link is niet meer geldig", exact=False)).to_be_visible()
    expect(pupil.get_by_label(NEW_PASSWORD, exact=True)).to_have_count(0)


@pytest.fixture
def abdulghani(live_app: LiveApp) -> Iterator[None]:
    """Abdulghani Bogdan with his demo password; his `Laatste aanmelding` is put back
    afterwards (the detail page's test reads `Nog niet aangemeld` as in the manual)."""
    pupil = find_pupil(live_app, "60351")
    before = find_account(live_app, pupil.id or 0)
    assert before is not None
    # The README's password, also when another test (Klaar voor de toets?) renewed it.
    basic = next(login for login in DEMO_PUPIL_LOGINS if login.username == before.username)
    with Session(live_app.engine) as session:
        stored = session.get(LeerIDAccount, before.id)
        assert stored is not None
        stored.password_hash = live_app.hashing.hash(basic.password)
        session.add(stored)
        session.commit()
    yield
    with Session(live_app.engine) as session:
        stored = session.get(LeerIDAccount, before.id)
        assert stored is not None
        stored.last_login_at = before.last_login_at
        session.add(stored)
        session.commit()


@pytest.mark.usefixtures("abdulghani")
def test_a_basic_pupil_sees_the_account_but_no_forms(phone: Callable[[], Page]) -> None:
    basic = next(login for login in DEMO_PUPIL_LOGINS if login.what == "basic account")
    page = phone()
    _portal_login(page, basic.username, basic.password)
    expect(page.get_by_role("heading", name="Mijn LeerID", level=1)).to_be_visible()
    expect(page.get_by_text("Basis LeerID", exact=True)).to_be_visible()
    expect(page.get_by_text("Met een basis LeerID kan je", exact=False)).to_be_visible()
    expect(page.get_by_label("Huidig wachtwoord")).to_have_count(0)
    expect(page.get_by_label("Nieuw e-mailadres")).to_have_count(0)
    _fits_the_phone(page)
    assert_no_axe_violations(page, "Mijn LeerID of a basic account")


def test_wrong_passwords_get_one_dutch_message(phone: Callable[[], Page]) -> None:
    page = phone()
    for username in ("amani.bockstal", "bestaat.niet"):
        _portal_login(page, username, "Verkeerd-123")
        expect(page.locator("#portal-login-error")).to_have_text(
            "Je gebruikersnaam of wachtwoord is niet juist, of je LeerID is niet actief."
        )
