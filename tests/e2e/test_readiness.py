"""Ready for test day in the browser: the Overzicht, `Klaar voor de toets?` and its slips.

The expected numbers are worked out here from the database's raw fields, not by the app's
own readiness service, so a wrong rule in the service cannot agree with itself.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlmodel import Session, col, select

from leerid_app import routes
from leerid_app.models import EducationLevel, LeerIDAccount, PasswordType, Pupil, School
from leerid_app.services.dates import school_today, school_year_end
from leerid_app.services.demo import DEMO_SCHOOL
from leerid_app.services.pupils import pupil_search_keys
from tests.e2e.conftest import LiveApp, expect_total

pytestmark = pytest.mark.e2e

GROUP = "6de leerjaar"
NEW_STAMNUMMER = "99001"
BRUSSELS = ZoneInfo("Europe/Brussels")
REASONS = {
    "no_account": "Geen account",
    "inactive": "Inactief (einde inschrijving)",
    "email_linked": "E-mail gekoppeld: kan zelf het wachtwoord herstellen",
    "deadline_passed": "Termijn om wachtwoord te kiezen verstreken",
    "recently_issued": "Nog niet aangemeld met het wachtwoord van de laatste 14 dagen",
    "never_logged_in": "Nog niet aangemeld",
}
FIXED_BY_BULK = {"no_account", "deadline_passed", "never_logged_in"}


@dataclass(frozen=True)
class Expected:
    """A pupil of the group as the database has them, with the reason a teacher would see."""

    pupil_id: int
    stamnummer: str
    name: str
    reason: str | None


def _reason(pupil: Pupil, account: LeerIDAccount | None, today: date) -> str | None:
    if account is None:
        return "no_account"
    if pupil.enrollment_end < today:
        return "inactive"
    if account.email:
        return "email_linked"
    deadline = account.password_change_deadline
    if (
        account.must_change_password
        and account.password_type is PasswordType.GEVORDERD
        and deadline is not None
        and deadline < today
    ):
        return "deadline_passed"
    if account.last_login_at is None:
        issued = account.password_changed_at
        if issued is not None:
            issued = issued if issued.tzinfo else issued.replace(tzinfo=UTC)
            since = datetime.combine(today - timedelta(days=14), time.min, tzinfo=BRUSSELS)
            if issued >= since:
                return "recently_issued"
        return "never_logged_in"
    return None


def _group_pupils(live_app: LiveApp, group: str = GROUP) -> list[Expected]:
    today = school_today()
    with Session(live_app.engine, expire_on_commit=False) as session:
        rows = session.exec(
            select(Pupil, LeerIDAccount)
            .join(School, col(School.id) == col(Pupil.school_id))
            .outerjoin(LeerIDAccount, col(LeerIDAccount.pupil_id) == col(Pupil.id))
            .where(School.name == DEMO_SCHOOL, Pupil.administrative_group == group)
        ).all()
    return [
        Expected(p.id or 0, p.stamnummer, f"{p.first_name} {p.last_name}", _reason(p, a, today))
        for p, a in rows
    ]


def _new_pupil_in_group(live_app: LiveApp) -> None:
    """A pupil who just arrived from the administration package: enrolled, no LeerID yet."""
    with Session(live_app.engine) as session:
        school = session.exec(select(School).where(School.name == DEMO_SCHOOL)).one()
        exists = session.exec(
            select(Pupil).where(Pupil.school_id == school.id, Pupil.stamnummer == NEW_STAMNUMMER)
        ).first()
        if exists is None:
            search_text, sort_key = pupil_search_keys(NEW_STAMNUMMER, "Yasmine", "Van Acker")
            session.add(
                Pupil(
                    school_id=school.id,
                    stamnummer=NEW_STAMNUMMER,
                    first_name="Yasmine",
                    last_name="Van Acker",
                    administrative_group=GROUP,
                    education_level=EducationLevel.BASIS,
                    enrollment_end=school_year_end(school_today()),
                    search_text=search_text,
                    sort_key=sort_key,
                )
            )
            session.commit()


def _open_from_header(page: Page, link: str, heading: str) -> None:
    page.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()


def _pdf_pages(data: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages]


def _download(page: Page, button: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    return Path(info.value.path()).read_bytes()


def _qr_codes(pdf: bytes, page_index: int) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[page_index].render(scale=3).to_pil()
    finally:
        document.close()
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.fixture
def arrived_pupil(live_app: LiveApp) -> Iterator[None]:
    """The new pupil of the group; afterwards they left yesterday, so that the import's test
    (which counts the school's leavers) does not see one pupil more than its file names."""
    _new_pupil_in_group(live_app)
    yield
    with Session(live_app.engine) as session:
        pupil = session.exec(select(Pupil).where(Pupil.stamnummer == NEW_STAMNUMMER)).one()
        pupil.enrollment_end = school_today() - timedelta(days=1)
        session.add(pupil)
        session.commit()


@pytest.mark.usefixtures("arrived_pupil")
def test_klaar_voor_de_toets_for_6de_leerjaar_prepares_exactly_the_pupils_who_need_it(
    admin_page: Page, live_app: LiveApp
) -> None:
    page = admin_page
    pupils = _group_pupils(live_app)
    concerned = [p for p in pupils if p.reason]
    to_fix = [p for p in concerned if p.reason in FIXED_BY_BULK]
    # The demo group must show the rules at work, or this test would prove little.
    assert {p.reason for p in concerned} >= {"no_account", "never_logged_in"}
    assert any(p.reason is None for p in pupils)

    _open_from_header(page, "Klaar voor de toets?", "Klaar voor de toets?")
    page.get_by_role("checkbox", name=GROUP, exact=True).click()
    expect(page.locator("#readiness-total")).to_have_text(f"Leerlingen gekozen: {len(pupils)}")
    expect(page.locator("#readiness-ready")).to_have_text(
        f"Kunnen aanmelden: {len(pupils) - len(concerned)}"
    )
    counts = page.get_by_role("status", name="RESULTAAT")
    for reason, label in REASONS.items():
        number = sum(1 for p in concerned if p.reason == reason)
        expect(counts).to_contain_text(f"{label}{number}")
    table = page.get_by_role("table", name="LEERLINGEN DIE NIET VLOT KUNNEN AANMELDEN")
    expect(table.locator("tbody tr")).to_have_count(len(concerned))
    for pupil in concerned:
        row = table.locator("tbody tr").filter(has_text=pupil.stamnummer)
        expect(row).to_contain_text(REASONS[pupil.reason or ""])

    page.get_by_role("button", name="Zet klaar voor de toets").click()
    expect(
        page.get_by_role("heading", level=1, name="Bulk: klaarzetten voor de toets")
    ).to_be_visible()
    expect(page.locator("#planned-total")).to_have_text(f"Totaal aantal rijen: {len(to_fix)}")
    page.get_by_role("button", name="Bewaren en afdrukken").click()
    expect(page.locator("#result-heading")).to_have_text(
        f"{len(to_fix)} LeerID's zijn klaargezet voor de toets", timeout=60_000
    )

    pdf = _download(page, "Download een PDF met LeerID gebruikersnamen en wachtwoorden")
    texts = _pdf_pages(pdf)
    assert f"Aantal strookjes: {len(to_fix)}" in texts[0] and GROUP in texts[0]
    assert DEMO_SCHOOL in texts[0] and "Wachtwoord:" not in texts[0]
    slips = " ".join(texts[1:])
    named = set(re.findall(r"([^:]+?) LeerID Gebruikersnaam:", slips))
    assert {name.split(GROUP)[-1].strip() for name in named} == {p.name for p in to_fix}
    assert slips.count("Gebruikersnaam:") == len(to_fix)

    with Session(live_app.engine) as session:
        usernames = set(
            session.exec(
                select(LeerIDAccount.username).where(
                    col(LeerIDAccount.pupil_id).in_([p.pupil_id for p in to_fix])
                )
            ).all()
        )
    assert len(usernames) == len(to_fix)
    decoded = _qr_codes(pdf, 1)
    assert decoded, "no QR code could be read from the first page of slips"
    portal = f"{live_app.base_url}{routes.PORTAL_LOGIN}"  # as the test app is configured
    for url in decoded:
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == portal
        (username,) = parse_qs(parts.query)["gebruikersnaam"]
        assert username in usernames

    # Now nobody of the group needs a fix: the new slips are fresh, a second fix leaves them.
    after = _group_pupils(live_app)
    assert [p for p in after if p.reason in FIXED_BY_BULK] == []

    # The larger, dyslexia-friendly layout: four slips per page.
    page.get_by_role("checkbox", name=re.compile("dyslexievriendelijk")).click()
    large = _pdf_pages(
        _download(page, "Download een PDF met LeerID gebruikersnamen en wachtwoorden")
    )
    assert max(text.count("Gebruikersnaam:") for text in large) <= 4
    assert sum(text.count("Gebruikersnaam:") for text in large) == len(to_fix)


def _overview_count(page: Page, group: str, column: str) -> tuple[int, str]:
    link = page.get_by_role(
        "link", name=re.compile(rf"^\d+ leerlingen: {re.escape(group)}, {column}$")
    )
    expect(link).to_have_count(1)
    label = link.get_attribute("aria-label") or ""
    return int(label.split(" ", 1)[0]), label


OVERVIEW_COLUMNS = (
    "Leerlingen",
    "Actief",
    "Nog niet aangemeld",
    "Moet wachtwoord kiezen",
    "E-mail gekoppeld",
    "Geen account",
    "Inactief",
)


def test_overzicht_numbers_match_the_list_they_open(admin_page: Page) -> None:
    page = admin_page
    _open_from_header(page, "Overzicht", "Overzicht")
    for group in ("1e lj 3e gr Kantoor BSO", "Alle groepen"):
        for column in OVERVIEW_COLUMNS:
            count, label = _overview_count(page, group, column)
            page.get_by_role("link", name=label, exact=True).click()
            expect_total(page, count)
            page.go_back()
            expect(page.get_by_role("heading", level=1, name="Overzicht")).to_be_visible()


def test_overzicht_chart_renders_the_last_30_days(admin_page: Page) -> None:
    page = admin_page
    _open_from_header(page, "Overzicht", "Overzicht")
    total = page.locator("#chart-total")
    expect(total).to_have_text(re.compile(r"^Aanmeldingen in de laatste 30 dagen: [1-9]\d*$"))
    expect(page.locator("#login-chart .recharts-bar-rectangle").first).to_be_visible()
    page.locator("summary", has_text="Aanmeldingen per dag").click()  # the chart as a table
    day_rows = page.get_by_role("table", name="Aanmeldingen per dag").locator("tbody tr")
    expect(day_rows).to_have_count(30)
    shown = sum(int(n) for n in day_rows.locator("td").all_inner_texts())
    assert total.inner_text().endswith(f": {shown}")


def test_gegevenscontrole_and_wie_wordt_inactief_download_excel(admin_page: Page) -> None:
    page = admin_page
    _open_from_header(page, "Gegevenscontrole", "Gegevenscontrole")
    expect(page.locator("#data-check-total")).to_have_text(
        re.compile(r"^Totaal aantal rijen: [1-9]")
    )
    assert _download(page, "Download als Excel")[:2] == b"PK"
    _open_from_header(page, "Wie wordt inactief?", "Wie wordt inactief?")
    expect(page.get_by_label("Tot en met")).to_have_value(
        f"{school_today().year + (school_today().month >= 9)}-08-31"
    )
    expect(page.locator("#leavers-total")).to_have_text(re.compile(r"^Totaal aantal rijen: [1-9]"))
    assert _download(page, "Download als Excel")[:2] == b"PK"
