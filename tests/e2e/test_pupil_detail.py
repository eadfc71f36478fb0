"""The pupil detail page and `Pas aanmeldgegevens aan`: the manual's example, end to end."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader
from sqlmodel import Session, col, select

from leerid_app.models import AccountType, LeerIDAccount, Pupil
from leerid_app.services.dates import dutch_date
from leerid_app.services.demo import DEMO_SCHOOL, school_year_end
from tests.e2e.conftest import (
    LiveApp,
    find_account,
    find_pupil,
    pupil_rows,
    school_id,
    search,
)

pytestmark = pytest.mark.e2e

SAVED = "Het LeerID is succesvol aangepast."
MUST_CHOOSE = "Moet nieuw wachtwoord kiezen bij eerste aanmelding"
WARNING = (
    "Indien je denkt dat iemand anders jouw LeerID gebruikt, contacteer dan zo snel mogelijk "
    "je LeerID-beheerder."
)
USERNAME_FIELD = "Gebruikersnaam - pas gebruikersnaam aan"


def _card(page: Page, heading: str) -> Locator:
    """The card under one of the page's section headings."""
    return page.locator(".rt-Card").filter(
        has=page.get_by_role("heading", name=heading, exact=True)
    )


def _field_lines(card: Locator) -> list[str]:
    return [line.strip() for line in card.inner_text().splitlines() if line.strip()]


def _assert_fields(card: Locator, fields: dict[str, str], timeout: float = 15.0) -> None:
    """Each label is followed by its value, as on the manual's cards (retried until shown)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = _field_lines(card)
        wrong = {
            label: value
            for label, value in fields.items()
            if label not in lines
            or lines.index(label) + 1 >= len(lines)
            or lines[lines.index(label) + 1] != value
        }
        if not wrong:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {wrong} on the card, it shows {lines}")
        time.sleep(0.1)


def _pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.split())


def _open_detail(page: Page, pupil: Pupil) -> None:
    page.goto(f"/leerling/{pupil.id}")
    expect(
        page.get_by_role("heading", name=f"{pupil.first_name} {pupil.last_name}")
    ).to_be_visible()


def _open_edit(page: Page, live_app: LiveApp, pupil: Pupil) -> None:
    assert pupil.id is not None
    account = find_account(live_app, pupil.id)
    assert account is not None
    _open_detail(page, pupil)
    page.get_by_role("button", name="Pas aanmeldgegevens aan").click()
    expect(page.get_by_role("heading", name="LeerID aanmeldgegevens")).to_be_visible()
    # The field shows the saved username once the server answered.
    expect(page.get_by_label(USERNAME_FIELD)).to_have_value(account.username)


@pytest.fixture
def abdulghani(live_app: LiveApp) -> Pupil:
    pupil = find_pupil(live_app, "60351")
    assert (pupil.first_name, pupil.last_name) == ("Abdulghani", "Bogdan")
    return pupil


def test_detail_shows_the_manuals_example(
    admin_page: Page, live_app: LiveApp, abdulghani: Pupil
) -> None:
    page = admin_page
    search(page, "60351")
    expect(pupil_rows(page)).to_have_count(1)
    pupil_rows(page).get_by_role("link", name="Bogdan").click()

    expect(page).to_have_url(re.compile(rf"/leerling/{abdulghani.id}/?$"))
    expect(page.get_by_role("heading", name="Abdulghani Bogdan")).to_be_visible()
    assert abdulghani.id is not None
    account = find_account(live_app, abdulghani.id)
    assert account is not None and account.account_type is AccountType.BASIS

    _assert_fields(
        _card(page, "INSCHRIJVINGSGEGEVENS"),
        {
            "Voornaam": "Abdulghani",
            "Naam": "Bogdan",
            "Stamnummer": "60351",
            "Administratieve groep": "6de leerjaar",
        },
    )
    _assert_fields(
        _card(page, "OFFICIËLE GEGEVENS"),
        {
            "Voornaam": "Abdulghani",
            "Naam": "Bogdan",
            "Geslacht": "M",
            "Geboortedatum": "7 november 2010",
        },
    )
    account_card = _card(page, "Basis LeerID")
    end = f"31 augustus {school_year_end(date.today()).year}"
    assert dutch_date(abdulghani.enrollment_end) == end
    _assert_fields(
        account_card,
        {
            "Account status": "Actief",
            "Gebruikersnaam": "abdulghani.bogdan",
            "Wachtwoord type": "Basis wachtwoord",
            "LeerID creatie": dutch_date(account.created_at),
            "Laatste aanmelding": "Nog niet aangemeld",
        },
    )
    expect(
        account_card.get_by_text(f"Wordt automatisch inactief bij einde inschrijving - {end}")
    ).to_be_visible()
    expect(account_card.get_by_text(MUST_CHOOSE)).to_have_count(0)
    expect(account_card.get_by_text("E-mailadres")).to_have_count(0)
    expect(page.get_by_role("button", name="Pas aanmeldgegevens aan")).to_be_visible()
    expect(page.get_by_text("OPMERKING", exact=True)).to_be_visible()


def test_pupil_without_official_data(admin_page: Page, live_app: LiveApp) -> None:
    with Session(live_app.engine) as session:
        pupil = session.exec(
            select(Pupil)
            .where(
                Pupil.school_id == school_id(live_app, DEMO_SCHOOL),
                col(Pupil.official_first_name).is_(None),
                col(Pupil.official_last_name).is_(None),
                col(Pupil.gender).is_(None),
                col(Pupil.birth_date).is_(None),
            )
            .order_by(col(Pupil.id))
        ).first()
    assert pupil is not None, "the demo has pupils without official data"

    _open_detail(admin_page, pupil)

    official = _card(admin_page, "OFFICIËLE GEGEVENS")
    expect(official.get_by_text("Geen officiële gegevens beschikbaar.", exact=True)).to_be_visible()
    expect(official.get_by_text("Geslacht")).to_have_count(0)
    expect(official.get_by_text("Geboortedatum")).to_have_count(0)
    _assert_fields(_card(admin_page, "INSCHRIJVINGSGEGEVENS"), {"Stamnummer": pupil.stamnummer})


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abdulghani@bogdan", "De gebruikersnaam mag geen '@-teken' bevatten."),
        ("a" * 51, "De gebruikersnaam mag niet langer zijn dan 50 karakters."),
        ("ardalan.bhatti", "Deze gebruikersnaam bestaat al. Kies een andere gebruikersnaam."),
    ],
    ids=["at-sign", "51-characters", "taken"],
)
def test_invalid_username_is_refused(
    admin_page: Page, live_app: LiveApp, abdulghani: Pupil, typed: str, message: str
) -> None:
    assert abdulghani.id is not None
    before = find_account(live_app, abdulghani.id)
    assert before is not None
    if typed == "ardalan.bhatti":
        ardalan = find_pupil(live_app, "32890")
        assert ardalan.id is not None
        other = find_account(live_app, ardalan.id)
        assert other is not None and other.username == typed
    _open_edit(admin_page, live_app, abdulghani)

    admin_page.get_by_label(USERNAME_FIELD).fill(typed)
    admin_page.get_by_role("button", name="Bewaren en afdrukken").click()

    expect(admin_page.get_by_text(message, exact=True)).to_be_visible()
    expect(admin_page.get_by_label(USERNAME_FIELD)).to_have_attribute("aria-invalid", "true")
    expect(admin_page.get_by_text(SAVED)).to_have_count(0)
    after = find_account(live_app, abdulghani.id)
    assert after is not None
    assert (after.username, after.password_hash) == (before.username, before.password_hash)


@pytest.fixture
def basis_pupil(live_app: LiveApp) -> Iterator[Pupil]:
    """A Basis pupil no other test looks at; its username is restored afterwards."""
    with Session(live_app.engine, expire_on_commit=False) as session:
        pupil, account = session.exec(
            select(Pupil, LeerIDAccount)
            .join(LeerIDAccount, col(LeerIDAccount.pupil_id) == col(Pupil.id))
            .where(
                Pupil.school_id == school_id(live_app, DEMO_SCHOOL),
                LeerIDAccount.account_type == AccountType.BASIS,
                col(Pupil.stamnummer).not_in(["60351"]),
                col(Pupil.gender).is_not(None),
            )
            .order_by(col(Pupil.id).desc())
        ).first()
    yield pupil
    with Session(live_app.engine) as session:
        stored = session.get(LeerIDAccount, account.id)
        assert stored is not None
        stored.username = account.username
        session.add(stored)
        session.commit()


def test_valid_username_is_saved(admin_page: Page, live_app: LiveApp, basis_pupil: Pupil) -> None:
    assert basis_pupil.id is not None
    before = find_account(live_app, basis_pupil.id)
    assert before is not None
    new_username = f"e2e-{before.username}"[:50]
    _open_edit(admin_page, live_app, basis_pupil)

    admin_page.get_by_label(USERNAME_FIELD).fill(new_username)
    admin_page.get_by_role("button", name="Bewaren en afdrukken").click()

    expect(admin_page.get_by_text(SAVED, exact=True)).to_be_visible()
    expect(admin_page).to_have_url(re.compile(rf"/leerling/{basis_pupil.id}/?$"))
    _assert_fields(_card(admin_page, "Basis LeerID"), {"Gebruikersnaam": new_username})
    after = find_account(live_app, basis_pupil.id)
    assert after is not None
    assert after.username == new_username
    assert after.password_hash == before.password_hash


def test_new_password_downloads_the_slip(
    admin_page: Page, live_app: LiveApp, abdulghani: Pupil
) -> None:
    assert abdulghani.id is not None
    before = find_account(live_app, abdulghani.id)
    assert before is not None
    _open_edit(admin_page, live_app, abdulghani)

    admin_page.get_by_role("button", name="genereer nieuw wachtwoord").click()
    shown = admin_page.locator("#new-password")
    expect(shown).to_have_text(re.compile(r"^\S{6}$"))
    password = shown.inner_text()
    with admin_page.expect_download() as download_info:
        admin_page.get_by_role("button", name="Bewaren en afdrukken").click()
    download = download_info.value

    expect(admin_page.get_by_text(SAVED, exact=True)).to_be_visible()
    assert download.suggested_filename.endswith(".pdf")
    text = _pdf_text(Path(download.path()))
    for expected in ("6de leerjaar", "Abdulghani Bogdan", "abdulghani.bogdan", password, WARNING):
        assert expected in text, f"{expected!r} not in the slip: {text!r}"

    after = find_account(live_app, abdulghani.id)
    assert after is not None
    assert after.password_hash != before.password_hash
    assert live_app.hashing.verify(after.password_hash, password)
    assert not live_app.hashing.verify(before.password_hash, password)
    assert password not in after.password_hash


def test_cancel_changes_nothing(admin_page: Page, live_app: LiveApp, abdulghani: Pupil) -> None:
    assert abdulghani.id is not None
    before = find_account(live_app, abdulghani.id)
    assert before is not None
    _open_edit(admin_page, live_app, abdulghani)

    admin_page.get_by_label(USERNAME_FIELD).fill("iemand.anders")
    admin_page.get_by_role("button", name="genereer nieuw wachtwoord").click()
    expect(admin_page.locator("#new-password")).to_have_text(re.compile(r"^\S{6}$"))
    admin_page.get_by_role("button", name="Annuleer").click()

    expect(admin_page).to_have_url(re.compile(rf"/leerling/{abdulghani.id}/?$"))
    _assert_fields(_card(admin_page, "Basis LeerID"), {"Gebruikersnaam": before.username})
    expect(admin_page.get_by_text(SAVED)).to_have_count(0)
    after = find_account(live_app, abdulghani.id)
    assert after is not None
    assert (after.username, after.password_hash) == (before.username, before.password_hash)


@pytest.fixture
def butrint(live_app: LiveApp) -> Iterator[Pupil]:
    """Butrint Boeren with his linked e-mail; his account is put back afterwards."""
    pupil = find_pupil(live_app, "47727")
    assert pupil.id is not None
    account = find_account(live_app, pupil.id)
    assert account is not None and account.email
    yield pupil
    with Session(live_app.engine) as session:
        stored = session.get(LeerIDAccount, account.id)
        assert stored is not None
        for name in (
            "email",
            "password_hash",
            "password_type",
            "must_change_password",
            "password_change_deadline",
            "password_changed_at",
        ):
            setattr(stored, name, getattr(account, name))
        session.add(stored)
        session.commit()


def test_remove_email_gives_a_new_password(
    admin_page: Page, live_app: LiveApp, butrint: Pupil
) -> None:
    assert butrint.id is not None
    _open_detail(admin_page, butrint)
    account_card = _card(admin_page, "Gevorderd LeerID")
    _assert_fields(account_card, {"E-mailadres": "t*****s@ond.vlaanderen.be"})
    expect(account_card.get_by_text(MUST_CHOOSE)).to_have_count(0)

    admin_page.get_by_role("button", name="Pas aanmeldgegevens aan").click()
    expect(admin_page.get_by_role("heading", name="LeerID aanmeldgegevens")).to_be_visible()
    expect(admin_page.get_by_role("button", name="genereer nieuw wachtwoord")).to_be_disabled()
    admin_page.get_by_role("button", name="Verwijder e-mailadres").click()
    dialog = admin_page.get_by_role("alertdialog", name="E-mailadres verwijderen?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Verwijderen").click()
    expect(dialog).to_be_hidden()
    expect(
        admin_page.get_by_text("Het e-mailadres wordt verwijderd bij het bewaren.")
    ).to_be_visible()
    shown = admin_page.locator("#new-password")
    expect(shown).to_have_text(re.compile(r"^\S{8}$"))
    password = shown.inner_text()

    with admin_page.expect_download() as download_info:
        admin_page.get_by_role("button", name="Bewaren en afdrukken").click()
    download = download_info.value

    expect(admin_page.get_by_text(SAVED, exact=True)).to_be_visible()
    account_card = _card(admin_page, "Gevorderd LeerID")
    _assert_fields(
        account_card,
        {"Gebruikersnaam": "butrint.boeren1", "Wachtwoord type": "Gevorderd wachtwoord"},
    )
    expect(account_card.get_by_text(MUST_CHOOSE, exact=True)).to_be_visible()
    expect(account_card.get_by_text("E-mailadres")).to_have_count(0)
    expect(account_card.get_by_text("@")).to_have_count(0)
    text = _pdf_text(Path(download.path()))
    for expected in ("Butrint Boeren", "butrint.boeren1", password, WARNING):
        assert expected in text, f"{expected!r} not in the slip: {text!r}"

    after = find_account(live_app, butrint.id)
    assert after is not None
    assert after.email is None
    assert after.must_change_password
    assert live_app.hashing.verify(after.password_hash, password)
