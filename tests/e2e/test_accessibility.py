"""WCAG 2.1 AA in the browser: axe-core on every screen and state, and layouts that fit a phone.

The screens share one logged-in browser context (each test opens its own tab, so its own
Reflex state). The pupils changed here are named in ``RENEWED`` and no other test uses them.
"""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from leerid_app import routes, texts
from tests.e2e.axe import (
    assert_no_axe_violations,
    assert_no_horizontal_page_scroll,
    save_screenshot,
)
from tests.e2e.conftest import (
    DEMO_ADMIN,
    DEMO_PASSWORD,
    LiveApp,
    column_cells,
    expect_pupil_list_loaded,
    expect_selected,
    expect_total,
    find_pupil,
    login,
    open_login_page,
    search,
)

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
# 200 % zoom of a 1440 px wide window: the page lays out in half as many CSS pixels.
ZOOM_200 = {"width": 720, "height": 450}
LAYOUTS = {"desktop": DESKTOP, "phone": PHONE, "zoom200": ZOOM_200}

# A basic and an advanced account get new passwords (one result table each); a pupil
# without a LeerID is skipped.
RENEWED = (("71566", "Kevin Verhulst"), ("35618", "Kamiel Vercammen"))
WITHOUT_LEERID = ("38791", "Viviane Vermeiren")

# Records the progress card the first time it is rendered, however short the run.
WATCH_PROGRESS = """() => {
    window.__progressSnapshot = null;
    const observer = new MutationObserver(() => {
        const bar = document.querySelector('[role="progressbar"]');
        if (bar && !window.__progressSnapshot) {
            window.__progressSnapshot = bar.closest(".rt-Card").outerHTML;
            observer.disconnect();
        }
    });
    observer.observe(document.body, {childList: true, subtree: true});
}"""


@pytest.fixture(scope="module")
def admin_context(
    browser: Browser, browser_context_args: dict, live_app: LiveApp
) -> Iterator[BrowserContext]:
    """One login for the module; each test opens its own tab (its own state) in it."""
    context = browser.new_context(**{**browser_context_args, "viewport": DESKTOP})
    context.set_default_timeout(15_000)
    page = context.new_page()
    login(page, DEMO_ADMIN, DEMO_PASSWORD)
    expect_pupil_list_loaded(page)
    page.close()
    yield context
    context.close()


@pytest.fixture
def tab(admin_context: BrowserContext) -> Iterator[Page]:
    """A new tab on the pupil list, logged in."""
    page = admin_context.new_page()
    page.goto(routes.PUPILS)
    expect_pupil_list_loaded(page)
    yield page
    page.close()


def check_layouts(page: Page, name: str, *, ready: str | None = None) -> None:
    """Screenshots at desktop, phone and 200 % zoom sizes; the page never scrolls sideways."""
    for layout, size in LAYOUTS.items():
        page.set_viewport_size(size)
        if ready is not None:
            expect(page.get_by_text(ready).first).to_be_visible()
        page.wait_for_timeout(200)  # let the layout settle after the resize
        if layout != "zoom200":
            save_screenshot(page, f"{name}-{size['width']}x{size['height']}")
        assert_no_horizontal_page_scroll(page, f"{name} ({layout})")
        if layout == "phone":
            assert_no_axe_violations(page, f"{name} on a phone")
    page.set_viewport_size(DESKTOP)


def _channels(css_color: str) -> tuple[float, float, float]:
    """An `rgb()`/`rgba()` colour as drawn over white (the cards controls sit on)."""
    numbers = [float(part) for part in re.findall(r"[\d.]+", css_color)]
    red, green, blue = numbers[:3]
    alpha = numbers[3] if len(numbers) > 3 else 1.0
    return tuple(alpha * channel + (1 - alpha) * 255 for channel in (red, green, blue))


def contrast_with_white(css_color: str) -> float:
    """WCAG contrast ratio of a colour against white."""

    def linear(channel: float) -> float:
        channel /= 255
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in _channels(css_color))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


# The focused element's ring (Radix draws it as an outline, on the field's root for inputs)
# and its border (an inset box-shadow).
FOCUS_AND_BORDER = """() => {
    const element = document.activeElement;
    const ringed = element.closest(".rt-TextFieldRoot") || element;
    const ring = getComputedStyle(ringed);
    // Check boxes draw their border on ::before, text fields on their root.
    const shadow = [
        getComputedStyle(element).boxShadow,
        getComputedStyle(ringed).boxShadow,
        getComputedStyle(element, "::before").boxShadow,
    ].join(", ");
    const border = shadow.match(/rgba?\\([^)]*\\)(?= 0px 0px 0px 1px inset)/);
    return {
        name: element.getAttribute("aria-label") || element.textContent.trim().slice(0, 40),
        ring: ring.outlineStyle === "solid" ? ring.outlineColor : null,
        border: border ? border[0] : null,
    };
}"""


def select_pupil(page: Page, stamnummer: str, name: str) -> None:
    """Find a pupil by stamnummer and tick the row's check box."""
    search(page, stamnummer)
    expect(column_cells(page, "Stamnummer")).to_have_text([stamnummer])
    box = page.get_by_role("checkbox", name=f"Selecteer {name}", exact=True)
    box.click()
    expect(box).to_be_checked()


def test_login_page(page: Page) -> None:
    open_login_page(page)
    expect(page.locator("html")).to_have_attribute("lang", "nl-BE")
    expect(page).to_have_title(f"Aanmelden - {texts.APP_TITLE}")
    assert_no_axe_violations(page, "the login page")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_page_scroll(page, "the login page on a phone")
    login(page, DEMO_ADMIN, "not the password")
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_axe_violations(page, "the login page with an error")


def test_pupil_list_and_school_menu(tab: Page) -> None:
    page = tab
    expect(page).to_have_title(f"Ingeschreven leerlingen - {texts.APP_TITLE}")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("navigation", name=texts.NAV_LABEL)).to_be_visible()
    expect(page.get_by_role("table", name=texts.LIST_TABLE_LABEL)).to_be_visible()
    # Totals and the selection count are live regions: a screen reader hears them change.
    expect(
        page.get_by_role("status").filter(has_text=re.compile("^Totaal aantal rijen"))
    ).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Aantal geselecteerde")).to_be_visible()
    assert_no_axe_violations(page, "the pupil list")
    check_layouts(page, "list", ready="Totaal aantal rijen")

    page.get_by_role("button", name=texts.SWITCH_SCHOOL).click()
    menu = page.get_by_role("menu")
    expect(menu).to_be_visible()
    # The current school is marked (to a screen reader too).
    expect(menu.get_by_role("menuitem", name=f"{texts.CURRENT_SCHOOL}")).to_have_count(1)
    assert_no_axe_violations(page, "the pupil list with the school menu open")
    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)

    # An empty result offers to clear the filters.
    search(page, "geen-leerling-heet-zo")
    expect_total(page, 0)
    clear = page.get_by_role("button", name=texts.CLEAR_FILTERS)
    expect(clear).to_be_visible()
    assert_no_axe_violations(page, "an empty search")
    clear.click()
    expect(page.get_by_role("searchbox")).to_have_value("")
    expect(page.get_by_text(re.compile(r"^Totaal aantal rijen: [1-9]"))).to_be_visible()

    # One matching pupil: singular wording.
    search(page, RENEWED[0][0])
    expect_total(page, 1)
    expect(page.get_by_role("button", name=texts.SELECT_THE_ONLY_ONE)).to_be_visible()


def test_focus_rings_and_control_borders_have_contrast(tab: Page) -> None:
    page = tab
    page.get_by_role("heading", level=1).focus()
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUS_AND_BORDER))
    rings = [(item["name"], item["ring"]) for item in seen if item["ring"]]
    borders = [(item["name"], item["border"]) for item in seen if item["border"]]
    # The search field, three selects, buttons, the table's check boxes and sort buttons.
    assert len(rings) >= 6 and len(borders) >= 5, seen
    weak = [(name, color, round(contrast_with_white(color), 2)) for name, color in rings + borders]
    weak = [item for item in weak if item[2] < 3]
    assert not weak, weak


def test_detail_and_edit(tab: Page, live_app: LiveApp) -> None:
    page = tab
    pupil = find_pupil(live_app, "95576")  # Jos Van den Bergh, basic account
    page.goto(routes.pupil_detail(pupil.id or 0))
    name = f"{pupil.first_name} {pupil.last_name}"
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page).to_have_title(f"{name} - {texts.APP_TITLE}")
    assert_no_axe_violations(page, "the pupil detail")
    check_layouts(page, "detail", ready="INSCHRIJVINGSGEGEVENS")

    page.get_by_role("button", name=texts.EDIT_CREDENTIALS).click()
    expect(page).to_have_title(f"{texts.EDIT_CREDENTIALS}: {name} - {texts.APP_TITLE}")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(name)
    # Whose account this is, as on the manual's screen.
    for shown in (pupil.stamnummer, pupil.administrative_group, "Basis LeerID", "Actief"):
        expect(page.get_by_role("main").get_by_text(shown, exact=True).first).to_be_visible()
    assert_no_axe_violations(page, "the edit page")
    page.get_by_role("button", name=texts.GENERATE_PASSWORD).click()
    expect(page.locator("#new-password")).to_be_visible()
    assert_no_axe_violations(page, "the edit page with a new password")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_page_scroll(page, "the edit page on a phone")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name=texts.CANCEL).click()


def test_a_refusal_does_not_follow_to_the_next_page(tab: Page) -> None:
    page = tab
    page.goto(routes.pupil_detail(999_999))
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    assert_no_axe_violations(page, "a refused pupil")
    page.get_by_role("link", name=texts.NAV_PUPILS, exact=True).click()
    expect_pupil_list_loaded(page)
    expect(alert).to_have_count(0)


def test_bulk_plan_progress_and_result(tab: Page) -> None:
    page = tab
    for stamnummer, name in (*RENEWED, WITHOUT_LEERID):
        select_pupil(page, stamnummer, name)
    expect_selected(page, 3)
    page.get_by_role("button", name=texts.RENEW_PASSWORDS).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(texts.BULK_RENEW_HEADING)
    expect(page.get_by_text(re.compile("^Geen LeerID, overgeslagen"))).to_be_visible()
    expect(page.get_by_role("table", name=texts.WITHOUT_EMAIL)).to_be_visible()
    expect(page.get_by_text(texts.NEW_ADVANCED_HINT, exact=True)).to_have_count(1)
    assert_no_axe_violations(page, "the bulk renewal plan")

    page.evaluate(WATCH_PROGRESS)
    page.get_by_role("button", name=texts.SAVE_AND_PRINT).click()
    result_heading = page.get_by_text("2 LeerID's hebben een nieuw wachtwoord", exact=True)
    expect(result_heading).to_be_visible()
    for kind in ("BASIS", "GEVORDERD"):
        heading = texts.RESULT_TABLE.format(kind=kind)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(page.get_by_role("table", name=heading)).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"^1 bestaande LeerID met basis wachtwoord"))
    ).to_be_visible()
    assert_no_axe_violations(page, "the bulk result")
    check_layouts(page, "bulk-result", ready="hebben een nieuw wachtwoord")

    # The progress card as it was rendered mid-run, put back on the page to be checked.
    snapshot = page.evaluate("() => window.__progressSnapshot")
    assert snapshot, "the progress card never appeared"
    page.evaluate(
        """(html) => document.querySelector("main").insertAdjacentHTML(
            "beforeend", `<div id="progress-as-shown">${html}</div>`)""",
        snapshot,
    )
    frozen = page.locator("#progress-as-shown")
    expect(frozen.get_by_role("progressbar", name=texts.PROGRESS_LABEL)).to_have_count(1)
    expect(frozen.get_by_role("status")).to_contain_text("Bezig met")
    assert_no_axe_violations(page, "the bulk progress")

    # The Logboek tells what happened in Dutch sentences, not internal codes.
    # Download first: until then the result page asks before it lets the passwords go.
    with page.expect_download():
        page.get_by_role("button", name=texts.DOWNLOAD_PDF).click()
    page.get_by_role("link", name=texts.NAV_LOGBOOK).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(texts.LOGBOOK_HEADING)
    events = page.get_by_role("table", name=texts.LOGBOOK_HEADING)
    expect(events.get_by_role("cell", name="Voor 2 LeerID's.", exact=True).first).to_be_visible()
    kevin = RENEWED[0][1].lower().replace(" ", ".")
    expect(events.get_by_role("cell", name=f"In bulk, gebruikersnaam {kevin}.")).to_be_visible()
    assert_no_axe_violations(page, "the Logboek")
    check_layouts(page, "logbook", ready="Totaal aantal rijen")


def test_activation_plan_and_the_full_skipped_list(tab: Page) -> None:
    page = tab
    page.get_by_role("button", name=re.compile(r"^Selecteer alle \d+ leerlingen$")).click()
    expect(page.get_by_text(re.compile(r"^Aantal geselecteerde leerlingen: [1-9]"))).to_be_visible()
    page.get_by_role("button", name=texts.ACTIVATE_ACCOUNTS).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(texts.BULK_ACTIVATE_HEADING)
    expect(page.get_by_role("table", name=texts.TO_ACTIVATE)).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"^Heeft al een LeerID, overgeslagen: .* en \d+ andere"))
    ).to_be_visible()
    assert_no_axe_violations(page, "the activation plan")

    page.get_by_role("button", name=texts.SHOW_ALL_SKIPPED).click()
    skipped_list = page.get_by_role("region", name=texts.SKIPPED_LIST_LABEL)
    expect(skipped_list).to_be_focused()  # the button that was pressed is gone
    skipped = skipped_list.get_by_role("listitem")
    message = page.get_by_text(re.compile("overgeslagen:")).inner_text()
    more = int(re.search(r"en (\d+) andere", message)[1])
    # Pupils whose enrollment ended are skipped too, named after the others (one "(stamnr)" each).
    ended = message.partition("Inschrijving beëindigd")[2].count("(")
    expect(skipped).to_have_count(20 + more + ended)
    assert_no_axe_violations(page, "the activation plan with every skipped pupil")
    page.get_by_role("button", name=texts.CANCEL_BULK).click()
    expect_pupil_list_loaded(page)


def test_activation_page_never_shows_the_renewal_heading(live_app: LiveApp) -> None:
    # The page as served, before any state arrives: the route alone decides the heading.
    with urllib.request.urlopen(live_app.url(f"{routes.BULK_ACTIVATE}/"), timeout=10) as answer:  # noqa: S310 (loopback)
        served = answer.read().decode()
    assert texts.BULK_ACTIVATE_HEADING.replace("'", "&#x27;") in served or (
        texts.BULK_ACTIVATE_HEADING in served
    )
    assert texts.BULK_RENEW_HEADING not in served


@pytest.mark.parametrize(
    ("link", "heading", "ready"),
    [
        (texts.NAV_OVERVIEW, texts.OVERVIEW_HEADING, texts.OVERVIEW_TABLE),
        (texts.NAV_DATA_CHECK, texts.DATA_CHECK_HEADING, texts.DATA_CHECK_TABLE),
        (texts.NAV_LEAVERS, texts.LEAVERS_HEADING, texts.LEAVERS_TABLE),
    ],
)
def test_overview_and_reports(tab: Page, link: str, heading: str, ready: str) -> None:
    page = tab
    page.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    expect(page.get_by_role("heading", name=ready, exact=True)).to_be_visible()
    page.wait_for_timeout(500)  # the Overzicht's chart draws after its data arrives
    assert_no_axe_violations(page, heading)
    check_layouts(page, heading.lower().replace(" ", "-").rstrip("?"), ready=ready)


def test_klaar_voor_de_toets_and_its_fix_plan(tab: Page) -> None:
    page = tab
    page.get_by_role("link", name=texts.NAV_READINESS, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=texts.READINESS_HEADING)).to_be_visible()
    assert_no_axe_violations(page, "Klaar voor de toets? before a choice")
    page.get_by_role("checkbox", name="6de leerjaar", exact=True).click()
    expect(page.get_by_role("table", name=texts.READINESS_TABLE)).to_be_visible()
    assert_no_axe_violations(page, "Klaar voor de toets? for a group")
    check_layouts(page, "klaar-voor-de-toets", ready=texts.READINESS_TABLE)
    # The fix's plan (nothing is saved: Annuleren).
    page.get_by_role("button", name=texts.READINESS_FIX).click()
    expect(page.get_by_role("heading", level=1, name=texts.BULK_FIX_HEADING)).to_be_visible()
    expect(page.get_by_role("heading", name=texts.TO_FIX, exact=True)).to_be_visible()
    assert_no_axe_violations(page, "the fix's plan")
    check_layouts(page, "bulk-klaarzetten", ready=texts.TO_FIX)
    page.get_by_role("button", name=texts.CANCEL_BULK).click()
    expect_pupil_list_loaded(page)
